// Clerical-review items, most probable first, with both records' key fields.
// Params: $status: "open"|"accepted"|"rejected" or null for all, $limit: int.
MATCH (m:MatchReview)
WHERE $status IS NULL OR m.status = $status
OPTIONAL MATCH (a:CustomerRecord {record_id: m.record_a})
OPTIONAL MATCH (b:CustomerRecord {record_id: m.record_b})
RETURN m.review_id AS review_id, m.kind AS kind, m.status AS status,
       m.match_probability AS match_probability, m.record_a AS record_a, m.record_b AS record_b,
       coalesce(a.full_name, a.email) AS a_name, a.email AS a_email,
       coalesce(b.full_name, b.email) AS b_name, b.email AS b_email,
       m.decided_by AS decided_by, m.decided_at AS decided_at
ORDER BY m.match_probability DESC, m.review_id
LIMIT $limit
