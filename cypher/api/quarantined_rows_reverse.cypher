// API: quarantined_rows.cypher read backwards, for backward pages (`last` / `before`): the rows
// strictly before the cursor row ($after_key, $after_id: the `before` cursor; $after_id null: from
// the end of the list), nearest the cursor first, i.e. in the exact reverse of that file's order:
// key descending (a null key before every value), ids descending. The API reverses the page back
// into the list's order, so both files give the same rows and cursors.
// Params: those of quarantined_rows.cypher (filters);
//   $after_key, $after_id: the cursor row; $limit: int (page size + 1, so the caller
//   sees whether a previous page exists).
// Returns: rows of item, key, id, as quarantined_rows.cypher.
MATCH (q:QuarantinedRow)
WHERE ($source_type IS NULL OR q.source_type = $source_type)
  AND ($run_id IS NULL OR EXISTS { (:IngestRun {run_id: $run_id})-[:QUARANTINED]->(q) })
WITH q, q.row_id AS id, [q.file, q.row_number] AS key
WHERE $after_id IS NULL
   OR CASE WHEN key IS NULL THEN $after_key IS NULL AND id < $after_id
           WHEN $after_key IS NULL THEN true
           WHEN key = $after_key THEN id < $after_id
           ELSE key < $after_key END
RETURN q {.*} AS item, key, id
ORDER BY key DESC, id DESC
LIMIT $limit
