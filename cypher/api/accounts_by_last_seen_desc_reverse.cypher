// API: accounts_by_last_seen_desc.cypher read backwards, for backward pages (`last` / `before`):
// the rows strictly before the cursor row ($after_key, $after_id: the `before` cursor; $after_id
// null: from the end of the list), nearest the cursor first, i.e. in the exact reverse of that
// file's order: key ascending (a null key after every value), ids descending. The API reverses the
// page back into the list's order, so both files give the same rows and cursors.
// Params: those of accounts_by_last_seen_desc.cypher (filters);
//   $after_key, $after_id: the cursor row; $limit: int (page size + 1, so the caller
//   sees whether a previous page exists).
// Returns: rows of item, key, id, as accounts_by_last_seen_desc.cypher.
MATCH (a:Account)
WHERE $status IS NULL OR a.status = $status
WITH a, a.account_id AS id, a.last_seen.epochMillis AS key
WHERE $after_id IS NULL
   OR CASE WHEN key IS NULL THEN $after_key IS NOT NULL OR id < $after_id
           WHEN $after_key IS NULL THEN false
           WHEN key = $after_key THEN id < $after_id
           ELSE key > $after_key END
RETURN a {.*, first_seen: toString(a.first_seen), last_seen: toString(a.last_seen)} AS item, key, id
ORDER BY key ASC, id DESC
LIMIT $limit
