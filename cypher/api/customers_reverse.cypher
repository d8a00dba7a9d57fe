// API: customers.cypher read backwards, for backward pages (`last` / `before`): unified
// customers in descending customer_id order, strictly before the cursor's customer_id
// ($after_id: the `before` cursor; null: from the end of the list), nearest the cursor first.
// The API reverses the page back into the list's order, so both files give the same rows and
// cursors. Two parts, each gated by a one-row WITH ... WHERE, so that each is one range seek
// on the customer_id uniqueness index read backwards (no sort): from the top of the index
// without a cursor, below the cursor with one (an `$after_id IS NULL OR ...` would not seek).
// Params: $status: string|null; $after_key: null; $after_id: the cursor's customer_id or null;
//   $limit: int (page size + 1, so the caller sees whether a previous page exists).
// Returns: rows of item (map of Customer properties), key (null), id, as customers.cypher.
CALL () {
  WITH 1 AS go WHERE $after_id IS NULL
  MATCH (c:Customer)
  WHERE c.customer_id > ''
    AND ($status IS NULL OR c.status = $status)
  WITH c ORDER BY c.customer_id DESC LIMIT $limit
  RETURN collect(c) AS tail
}
CALL () {
  WITH 1 AS go WHERE $after_id IS NOT NULL
  MATCH (c:Customer)
  WHERE '' < c.customer_id < $after_id
    AND ($status IS NULL OR c.status = $status)
  WITH c ORDER BY c.customer_id DESC LIMIT $limit
  RETURN collect(c) AS below
}
UNWIND tail + below AS c
RETURN c {.*, first_seen: toString(c.first_seen), last_seen: toString(c.last_seen)} AS item, null AS key, c.customer_id AS id
