// API: account_records.cypher read backwards, for backward pages (`last` / `before`): the rows
// strictly before the cursor row ($after_key, $after_id: the `before` cursor; $after_id null: from
// the end of the list), nearest the cursor first, i.e. in the exact reverse of that file's order:
// each sort's direction flipped (a null key first where it came last, last where it came first),
// ids descending. The API reverses the page back into the list's order, so both files give the
// same rows and cursors.
// Params: those of account_records.cypher (filters, $sort);
//   $after_key, $after_id: the cursor row; $limit: int (page size + 1, so the caller
//   sees whether a previous page exists).
// Returns: rows of item, key, id, as account_records.cypher.
MATCH (n:AccountRecord)
WHERE ($source_system IS NULL OR n.source_system = $source_system)
  AND ($industry IS NULL OR n.industry = $industry)
  AND ($country IS NULL OR n.country = $country)
WITH n, n.record_id AS id,
     CASE $sort WHEN 'NAME_ASC' THEN n.name WHEN 'NAME_DESC' THEN n.name
                WHEN 'EMPLOYEES_DESC' THEN n.employees END AS key
WHERE $after_id IS NULL
   OR CASE WHEN key IS NULL THEN CASE WHEN $after_key IS NULL THEN id < $after_id
                                      ELSE $sort ENDS WITH '_DESC' END
           WHEN $after_key IS NULL THEN NOT $sort ENDS WITH '_DESC'
           WHEN key = $after_key THEN id < $after_id
           WHEN $sort ENDS WITH '_DESC' THEN key > $after_key
           ELSE key < $after_key END
RETURN n {.*, created_at: toString(n.created_at), updated_at: toString(n.updated_at), first_seen: null, last_seen: null, last_changed: null} AS item, key, id
ORDER BY CASE WHEN $sort ENDS WITH '_DESC' THEN key END ASC,
         CASE WHEN NOT $sort ENDS WITH '_DESC' THEN key END DESC,
         id DESC
LIMIT $limit
