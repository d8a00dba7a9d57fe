// API: one page of interactions (web visits, emails, ad clicks, calls, purchases), after a
// keyset cursor; the (kind, occurred_at) index serves kind + date filters. The sort is one
// of fixed CASE branches picked by $sort (a GraphQL enum value).
// Rows sort by `key` as Neo4j orders values (a null key after every value when ascending,
// before them when descending, as the offset version did), then by interaction_id ascending;
// the page starts after the row ($after_key, $after_id): no SKIP and no count
// (interactions_count.cypher counts, only when a client selects totalCount). Datetime keys are
// epochMillis and date keys ISO text: plain JSON values a cursor carries exactly (a datetime
// parameter would be compared by zone as well as instant).
// Params: $kind, $channel, $source_system: string|null; $occurred_from, $occurred_to:
//   datetime|null; $sort: OCCURRED_DESC|OCCURRED_ASC|TOTAL_DESC;
//   $after_key: the previous page's last key; $after_id: its interaction_id, null on the
//   first page;
//   $limit: int (page size + 1, so the caller sees whether a next page exists).
// Returns: rows of item (map of Interaction properties), key, id.
// Temporals the API exposes come back as ISO text (toString) and unexposed provenance
// timestamps as null: the Python driver builds each DateTime slowly (api/graphql/types.py).
// performer_deleted: the call notes' person was deleted at their source (notes masked below
// analyst, as the record's own fields are: api/graphql/types.py interaction_from).
MATCH (i:Interaction)
WHERE ($kind IS NULL OR i.kind = $kind)
  AND ($channel IS NULL OR i.channel = $channel)
  AND ($source_system IS NULL OR i.source_system = $source_system)
  AND ($occurred_from IS NULL OR i.occurred_at >= $occurred_from)
  AND ($occurred_to IS NULL OR i.occurred_at < $occurred_to)
WITH i, i.interaction_id AS id,
     CASE $sort WHEN 'OCCURRED_DESC' THEN i.occurred_at.epochMillis
                WHEN 'OCCURRED_ASC' THEN i.occurred_at.epochMillis
                WHEN 'TOTAL_DESC' THEN i.total END AS key
WHERE $after_id IS NULL
   OR CASE WHEN key IS NULL THEN CASE WHEN $after_key IS NULL THEN id > $after_id
                                      ELSE NOT $sort ENDS WITH '_DESC' END
           WHEN $after_key IS NULL THEN $sort ENDS WITH '_DESC'
           WHEN key = $after_key THEN id > $after_id
           WHEN $sort ENDS WITH '_DESC' THEN key < $after_key
           ELSE key > $after_key END
RETURN i {.*, occurred_at: toString(i.occurred_at), performer_deleted: CASE WHEN i.notes IS NULL THEN false ELSE EXISTS { MATCH (p:CustomerRecord)-[:PERFORMED]->(i) WHERE p.deleted_at IS NOT NULL } END, first_seen: null, last_seen: null, last_changed: null} AS item, key, id
ORDER BY CASE WHEN $sort ENDS WITH '_DESC' THEN key END DESC,
         CASE WHEN NOT $sort ENDS WITH '_DESC' THEN key END ASC,
         id ASC
LIMIT $limit
