// API: accounts.cypher for sort LAST_SEEN_DESC, written out for that one sort:
// unified accounts most recently confirmed or changed first (last_seen: the last resolution run that wrote it),
// ties by account_id, after a keyset cursor: the page starts after the row ($after_key, $after_id),
// no SKIP and no count (accounts_count.cypher counts, only when a client selects totalCount).
// A null key sorts before every value (as Neo4j orders descending), then by id.
// Every entity a run creates shares that run's timestamp, so ties are the rule: an index on
// the timestamp alone would still sort each tie by id; this reads the label and keeps a Top.
// Datetime keys are epochMillis, a plain JSON value a cursor carries exactly.
// Params: $status: string|null; $after_key: the previous page's last key (last_seen as epochMillis);
//   $after_id: its account_id, null on the first page; $limit: int (page size + 1: is there a next page?).
// Returns: rows of item (map of Account properties), key (last_seen as epochMillis), id.
// Temporals the API exposes come back as ISO text (toString): the Python driver builds each
// DateTime slowly (api/graphql/types.py).
MATCH (a:Account)
WHERE $status IS NULL OR a.status = $status
WITH a, a.account_id AS id, a.last_seen.epochMillis AS key
WHERE $after_id IS NULL
   OR CASE WHEN key IS NULL THEN $after_key IS NULL AND id > $after_id
           WHEN $after_key IS NULL THEN true
           WHEN key = $after_key THEN id > $after_id
           ELSE key < $after_key END
RETURN a {.*, first_seen: toString(a.first_seen), last_seen: toString(a.last_seen)} AS item, key, id
ORDER BY key DESC, id ASC
LIMIT $limit
