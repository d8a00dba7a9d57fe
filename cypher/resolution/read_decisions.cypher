// Reviewers' decided pairs of one kind: accepted = must-link, rejected = cannot-link.
// Params: $kind: "customer"|"account".   Returns: record_a, record_b, status, in review-id
// order, so that clustering meets the must-links in the same order on every run.
MATCH (m:MatchReview)
WHERE m.kind = $kind AND m.status IN ['accepted', 'rejected']
RETURN m.record_a AS record_a, m.record_b AS record_b, m.status AS status
ORDER BY m.review_id
