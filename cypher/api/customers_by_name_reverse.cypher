// API: customers_by_name.cypher read backwards, for backward pages (`last` / `before`): the rows
// strictly before the cursor row ($after_key, $after_id: the `before` cursor; $after_id null: from
// the end of the list), nearest the cursor first, i.e. in the exact reverse of that file's order:
// key descending (a null key before every value), ids descending. The API reverses the page back
// into the list's order, so both files give the same rows and cursors.
// Params: those of customers_by_name.cypher (filters);
//   $after_key, $after_id: the cursor row; $limit: int (page size + 1, so the caller
//   sees whether a previous page exists).
// Returns: rows of item, key, id, as customers_by_name.cypher.
MATCH (c:Customer)
WHERE $status IS NULL OR c.status = $status
CALL (c) {
  OPTIONAL MATCH (r:CustomerRecord)-[:RESOLVES_TO]->(c)
  RETURN min(r.full_name) AS key
}
WITH c, c.customer_id AS id, key
WHERE $after_id IS NULL
   OR CASE WHEN key IS NULL THEN $after_key IS NULL AND id < $after_id
           WHEN $after_key IS NULL THEN true
           WHEN key = $after_key THEN id < $after_id
           ELSE key < $after_key END
RETURN c {.*, first_seen: toString(c.first_seen), last_seen: toString(c.last_seen)} AS item, key, id
ORDER BY key DESC, id DESC
LIMIT $limit
