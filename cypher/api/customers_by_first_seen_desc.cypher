// API: customers.cypher for sort FIRST_SEEN_DESC, written out for that one sort:
// unified customers newest first by first_seen (when a resolution run created it),
// ties by customer_id, after a keyset cursor: the page starts after the row ($after_key, $after_id),
// no SKIP and no count (customers_count.cypher counts, only when a client selects totalCount).
// A null key sorts before every value (as Neo4j orders descending), then by id.
// Every entity a run creates shares that run's timestamp, so ties are the rule: an index on
// the timestamp alone would still sort each tie by id; this reads the label and keeps a Top.
// Datetime keys are epochMillis, a plain JSON value a cursor carries exactly.
// Params: $status: string|null; $after_key: the previous page's last key (first_seen as epochMillis);
//   $after_id: its customer_id, null on the first page; $limit: int (page size + 1: is there a next page?).
// Returns: rows of item (map of Customer properties), key (first_seen as epochMillis), id.
// Temporals the API exposes come back as ISO text (toString): the Python driver builds each
// DateTime slowly (api/graphql/types.py).
MATCH (c:Customer)
WHERE $status IS NULL OR c.status = $status
WITH c, c.customer_id AS id, c.first_seen.epochMillis AS key
WHERE $after_id IS NULL
   OR CASE WHEN key IS NULL THEN $after_key IS NULL AND id > $after_id
           WHEN $after_key IS NULL THEN true
           WHEN key = $after_key THEN id > $after_id
           ELSE key < $after_key END
RETURN c {.*, first_seen: toString(c.first_seen), last_seen: toString(c.last_seen)} AS item, key, id
ORDER BY key DESC, id ASC
LIMIT $limit
