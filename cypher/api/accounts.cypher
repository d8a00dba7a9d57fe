// API: one page of unified accounts that entity resolution created (none before it has run)
// in account_id order (sort ACCOUNT_ID_ASC, the default; accounts_by_*.cypher: the others),
// after a keyset cursor. The list has no sort key (key is always null), so
// the cursor holds the last account_id and the seek `a.account_id > $after_id` plus the ORDER BY
// are both served by the account_id uniqueness constraint's index: no SKIP, no sort, no count
// (accounts_count.cypher counts, only when a client selects totalCount).
// Params: $status: string|null; $after_key: null; $after_id: the previous page's last
//   account_id, null on the first page; $limit: int (page size + 1: is there a next page?).
// Returns: rows of item (map of Account properties), key (null), id.
// Temporals the API exposes come back as ISO text (toString) and unexposed provenance
// timestamps as null: the Python driver builds each DateTime slowly (api/graphql/types.py).
MATCH (a:Account)
WHERE a.account_id > coalesce($after_id, '')
  AND ($status IS NULL OR a.status = $status)
RETURN a {.*, first_seen: toString(a.first_seen), last_seen: toString(a.last_seen)} AS item, null AS key, a.account_id AS id
ORDER BY a.account_id ASC
LIMIT $limit
