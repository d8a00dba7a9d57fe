// API: customers.cypher for sort NAME_ASC, written out for that one sort:
// unified customers by name: the first full_name its person records give, alphabetically,
// ties by customer_id, after a keyset cursor: the page starts after the row ($after_key, $after_id),
// no SKIP and no count (customers_count.cypher counts, only when a client selects totalCount).
// A null key sorts after every value (as Neo4j orders ascending), then by id.
// The key is computed per entity (min over its records; null when none has a name).
// Person names are masked for viewers, so the API allows this sort from the marketer role.
// Params: $status: string|null; $after_key: the previous page's last key (the name);
//   $after_id: its customer_id, null on the first page; $limit: int (page size + 1: is there a next page?).
// Returns: rows of item (map of Customer properties), key (the name), id.
// Temporals the API exposes come back as ISO text (toString): the Python driver builds each
// DateTime slowly (api/graphql/types.py).
MATCH (c:Customer)
WHERE $status IS NULL OR c.status = $status
CALL (c) {
  OPTIONAL MATCH (r:CustomerRecord)-[:RESOLVES_TO]->(c)
  RETURN min(r.full_name) AS key
}
WITH c, c.customer_id AS id, key
WHERE $after_id IS NULL
   OR CASE WHEN key IS NULL THEN $after_key IS NOT NULL OR id > $after_id
           WHEN $after_key IS NULL THEN false
           WHEN key = $after_key THEN id > $after_id
           ELSE key > $after_key END
RETURN c {.*, first_seen: toString(c.first_seen), last_seen: toString(c.last_seen)} AS item, key, id
ORDER BY key ASC, id ASC
LIMIT $limit
