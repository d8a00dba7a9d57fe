// API: review_queue.cypher read backwards, for backward pages (`last` / `before`): the rows
// strictly before the cursor row ($after_key, $after_id: the `before` cursor; $after_id null: from
// the end of the list), nearest the cursor first, i.e. in the exact reverse of that file's order:
// key ascending (a null key after every value), ids descending. The API reverses the page back
// into the list's order, so both files give the same rows and cursors.
// Params: those of review_queue.cypher (filters);
//   $after_key, $after_id: the cursor row; $limit: int (page size + 1, so the caller
//   sees whether a previous page exists).
// Returns: rows of item, key, id, as review_queue.cypher.
MATCH (m:MatchReview)
WHERE ($status IS NULL OR m.status = $status)
  AND ($review_id IS NULL OR m.review_id = $review_id)
WITH m, m.review_id AS id, m.match_probability AS key
WHERE $after_id IS NULL
   OR CASE WHEN key IS NULL THEN $after_key IS NOT NULL OR id < $after_id
           WHEN $after_key IS NULL THEN false
           WHEN key = $after_key THEN id < $after_id
           ELSE key > $after_key END
RETURN m {.review_id, .kind, .status, .record_a, .record_b, .match_probability, .match_weight,
          .evidence_fields, .evidence_levels, .evidence_weights, .model_version, .created_at,
          .decided_by, .decided_at, .note} AS item, key, id
ORDER BY key ASC, id DESC
LIMIT $limit
