// API: one page of company records as exported, after a keyset cursor. The sort is one of
// fixed CASE branches picked by $sort (a GraphQL enum value); RECORD_ID_ASC (no key)
// normally runs account_records_by_id.cypher, which the record_id index serves.
// Rows sort by `key` as Neo4j orders values (a null key after every value when ascending,
// before them when descending, as the offset version did), then by record_id ascending; the
// page starts after the row ($after_key, $after_id): no SKIP and no count
// (account_records_count.cypher counts, only when a client selects totalCount).
// Params: $source_system, $industry, $country: string|null;
//   $sort: NAME_ASC|NAME_DESC|EMPLOYEES_DESC|RECORD_ID_ASC;
//   $after_key: the previous page's last key; $after_id: its record_id, null on the first page;
//   $limit: int (page size + 1, so the caller sees whether a next page exists).
// Returns: rows of item (map of AccountRecord properties), key, id.
// Temporals the API exposes come back as ISO text (toString) and unexposed provenance
// timestamps as null: the Python driver builds each DateTime slowly (api/graphql/types.py).
MATCH (n:AccountRecord)
WHERE ($source_system IS NULL OR n.source_system = $source_system)
  AND ($industry IS NULL OR n.industry = $industry)
  AND ($country IS NULL OR n.country = $country)
WITH n, n.record_id AS id,
     CASE $sort WHEN 'NAME_ASC' THEN n.name WHEN 'NAME_DESC' THEN n.name
                WHEN 'EMPLOYEES_DESC' THEN n.employees END AS key
WHERE $after_id IS NULL
   OR CASE WHEN key IS NULL THEN CASE WHEN $after_key IS NULL THEN id > $after_id
                                      ELSE NOT $sort ENDS WITH '_DESC' END
           WHEN $after_key IS NULL THEN $sort ENDS WITH '_DESC'
           WHEN key = $after_key THEN id > $after_id
           WHEN $sort ENDS WITH '_DESC' THEN key < $after_key
           ELSE key > $after_key END
RETURN n {.*, created_at: toString(n.created_at), updated_at: toString(n.updated_at), first_seen: null, last_seen: null, last_changed: null} AS item, key, id
ORDER BY CASE WHEN $sort ENDS WITH '_DESC' THEN key END DESC,
         CASE WHEN NOT $sort ENDS WITH '_DESC' THEN key END ASC,
         id ASC
LIMIT $limit
