// API: one page of clerical-review items (uncertain pairs entity resolution left apart), most
// probable first, each with its per-field evidence exactly as the run stored it, plus the total
// over the same filter. Also reads one item by id (for a decision's answer).
// Params: $status: "open"|"accepted"|"rejected" or null for all; $review_id: string or null;
//   $skip, $limit: int.
// Returns: total: int, items: [map of review properties].
CALL () {
  MATCH (m:MatchReview)
  WHERE ($status IS NULL OR m.status = $status)
    AND ($review_id IS NULL OR m.review_id = $review_id)
  RETURN count(m) AS total
}
CALL () {
  MATCH (m:MatchReview)
  WHERE ($status IS NULL OR m.status = $status)
    AND ($review_id IS NULL OR m.review_id = $review_id)
  WITH m ORDER BY m.match_probability DESC, m.review_id ASC
  SKIP $skip LIMIT $limit
  RETURN collect(m {.review_id, .kind, .status, .record_a, .record_b, .match_probability,
                    .match_weight, .evidence_fields, .evidence_levels, .evidence_weights,
                    .model_version, .created_at, .decided_by, .decided_at, .note}) AS items
}
RETURN total, items
