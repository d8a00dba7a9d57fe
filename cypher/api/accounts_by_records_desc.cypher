// API: accounts.cypher for sort RECORDS_DESC, written out for that one sort:
// unified accounts most source records first (the AccountRecords that RESOLVE_TO it; big clusters are where over-merges hide),
// ties by account_id, after a keyset cursor: the page starts after the row ($after_key, $after_id),
// no SKIP and no count (accounts_count.cypher counts, only when a client selects totalCount).
// The count is never null, so the seek needs no null branches.
// Params: $status: string|null; $after_key: the previous page's last key (the record count);
//   $after_id: its account_id, null on the first page; $limit: int (page size + 1: is there a next page?).
// Returns: rows of item (map of Account properties), key (the record count), id.
// Temporals the API exposes come back as ISO text (toString): the Python driver builds each
// DateTime slowly (api/graphql/types.py).
MATCH (a:Account)
WHERE $status IS NULL OR a.status = $status
WITH a, a.account_id AS id, COUNT { (a)<-[:RESOLVES_TO]-(:AccountRecord) } AS key
WHERE $after_id IS NULL
   OR key < $after_key
   OR (key = $after_key AND id > $after_id)
RETURN a {.*, first_seen: toString(a.first_seen), last_seen: toString(a.last_seen)} AS item, key, id
ORDER BY key DESC, id ASC
LIMIT $limit
