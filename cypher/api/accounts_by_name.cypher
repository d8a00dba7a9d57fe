// API: accounts.cypher for sort NAME_ASC, written out for that one sort:
// unified accounts by name: the first company name its company records give, alphabetically,
// ties by account_id, after a keyset cursor: the page starts after the row ($after_key, $after_id),
// no SKIP and no count (accounts_count.cypher counts, only when a client selects totalCount).
// A null key sorts after every value (as Neo4j orders ascending), then by id.
// The key is computed per entity (min over its records; null when none has a name).
// Params: $status: string|null; $after_key: the previous page's last key (the name);
//   $after_id: its account_id, null on the first page; $limit: int (page size + 1: is there a next page?).
// Returns: rows of item (map of Account properties), key (the name), id.
// Temporals the API exposes come back as ISO text (toString): the Python driver builds each
// DateTime slowly (api/graphql/types.py).
MATCH (a:Account)
WHERE $status IS NULL OR a.status = $status
CALL (a) {
  OPTIONAL MATCH (r:AccountRecord)-[:RESOLVES_TO]->(a)
  RETURN min(r.name) AS key
}
WITH a, a.account_id AS id, key
WHERE $after_id IS NULL
   OR CASE WHEN key IS NULL THEN $after_key IS NOT NULL OR id > $after_id
           WHEN $after_key IS NULL THEN false
           WHEN key = $after_key THEN id > $after_id
           ELSE key > $after_key END
RETURN a {.*, first_seen: toString(a.first_seen), last_seen: toString(a.last_seen)} AS item, key, id
ORDER BY key ASC, id ASC
LIMIT $limit
