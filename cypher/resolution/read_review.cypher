// One clerical-review item by id.
// Params: $review_id.   Returns: review_id, kind, record_a, record_b, status.
MATCH (m:MatchReview {review_id: $review_id})
RETURN m.review_id AS review_id, m.kind AS kind, m.record_a AS record_a,
       m.record_b AS record_b, m.status AS status
