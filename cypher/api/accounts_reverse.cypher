// API: accounts.cypher read backwards, for backward pages (`last` / `before`): unified
// accounts in descending account_id order, strictly before the cursor's account_id
// ($after_id: the `before` cursor; null: from the end of the list), nearest the cursor first.
// The API reverses the page back into the list's order, so both files give the same rows and
// cursors. Two parts, each gated by a one-row WITH ... WHERE, so that each is one range seek
// on the account_id uniqueness index read backwards (no sort): from the top of the index
// without a cursor, below the cursor with one (an `$after_id IS NULL OR ...` would not seek).
// Params: $status: string|null; $after_key: null; $after_id: the cursor's account_id or null;
//   $limit: int (page size + 1, so the caller sees whether a previous page exists).
// Returns: rows of item (map of Account properties), key (null), id, as accounts.cypher.
CALL () {
  WITH 1 AS go WHERE $after_id IS NULL
  MATCH (a:Account)
  WHERE a.account_id > ''
    AND ($status IS NULL OR a.status = $status)
  WITH a ORDER BY a.account_id DESC LIMIT $limit
  RETURN collect(a) AS tail
}
CALL () {
  WITH 1 AS go WHERE $after_id IS NOT NULL
  MATCH (a:Account)
  WHERE '' < a.account_id < $after_id
    AND ($status IS NULL OR a.status = $status)
  WITH a ORDER BY a.account_id DESC LIMIT $limit
  RETURN collect(a) AS below
}
UNWIND tail + below AS a
RETURN a {.*, first_seen: toString(a.first_seen), last_seen: toString(a.last_seen)} AS item, null AS key, a.account_id AS id
