// API: one page of quarantined rows (rows a data contract rejected, with the reason), after
// a keyset cursor, in file order (key: [file, row_number]; ingest always sets both).
// Rows sort by `key` as Neo4j orders values (a null key after every value when ascending,
// before them when descending, as the offset version did), then by row_id ascending; the page
// starts after the row ($after_key, $after_id): no SKIP and no count
// (quarantined_rows_count.cypher counts, only when a client selects totalCount).
// Params: $source_type, $run_id: string|null;
//   $after_key: the previous page's last key; $after_id: its row_id, null on the first page;
//   $limit: int (page size + 1, so the caller sees whether a next page exists).
// Returns: rows of item (map of QuarantinedRow properties), key, id.
MATCH (q:QuarantinedRow)
WHERE ($source_type IS NULL OR q.source_type = $source_type)
  AND ($run_id IS NULL OR EXISTS { (:IngestRun {run_id: $run_id})-[:QUARANTINED]->(q) })
WITH q, q.row_id AS id, [q.file, q.row_number] AS key
WHERE $after_id IS NULL
   OR CASE WHEN key IS NULL THEN $after_key IS NOT NULL OR id > $after_id
           WHEN $after_key IS NULL THEN false
           WHEN key = $after_key THEN id > $after_id
           ELSE key > $after_key END
RETURN q {.*} AS item, key, id
ORDER BY key ASC, id ASC
LIMIT $limit
