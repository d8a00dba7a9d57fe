// API: one page of clerical-review items (uncertain pairs entity resolution left apart), most
// probable first (key: match_probability), after a keyset cursor, each with its per-field
// evidence exactly as the run stored it. Also reads one item by id (for a decision's answer).
// Rows sort by `key` descending as Neo4j orders values (a null key before every value, as the
// offset version did), then by review_id ascending; the page starts after the row
// ($after_key, $after_id): no SKIP and no count (review_queue_count.cypher counts, only when a
// client selects totalCount).
// Params: $status: "open"|"accepted"|"rejected" or null for all; $review_id: string or null;
//   $after_key: the previous page's last match_probability; $after_id: its review_id, null on
//   the first page;
//   $limit: int (page size + 1, so the caller sees whether a next page exists).
// Returns: rows of item (map of review properties), key, id.
MATCH (m:MatchReview)
WHERE ($status IS NULL OR m.status = $status)
  AND ($review_id IS NULL OR m.review_id = $review_id)
WITH m, m.review_id AS id, m.match_probability AS key
WHERE $after_id IS NULL
   OR CASE WHEN key IS NULL THEN $after_key IS NULL AND id > $after_id
           WHEN $after_key IS NULL THEN true
           WHEN key = $after_key THEN id > $after_id
           ELSE key < $after_key END
RETURN m {.review_id, .kind, .status, .record_a, .record_b, .match_probability, .match_weight,
          .evidence_fields, .evidence_levels, .evidence_weights, .model_version, .created_at,
          .decided_by, .decided_at, .note} AS item, key, id
ORDER BY key DESC, id ASC
LIMIT $limit
