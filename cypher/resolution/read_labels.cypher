// Reviewers' decisions of one kind as labelled pairs (accepted = 1.0, rejected = 0.0), with
// who decided, when and why, and the entities both records belong to now (so the records can
// be read by entity): the labels Splink's accuracy analysis and m-estimation take.
// Params: $kind: "customer"|"account".
// Returns: review_id, record_a, record_b, clerical_match_score, decided_by, decided_at (ISO
//   text), note, model_version (of the run that opened the review), match_probability (its
//   score then), entity_a, entity_b, origin ("review": a person judged the pair; "unmerge" /
//   "rejoin": pinned by that operation) — in review-id order.
MATCH (m:MatchReview)
WHERE m.kind = $kind AND m.status IN ['accepted', 'rejected']
OPTIONAL MATCH (:CustomerRecord {record_id: m.record_a})-[:RESOLVES_TO]->(ca:Customer)
OPTIONAL MATCH (:CustomerRecord {record_id: m.record_b})-[:RESOLVES_TO]->(cb:Customer)
OPTIONAL MATCH (:AccountRecord {record_id: m.record_a})-[:RESOLVES_TO]->(aa:Account)
OPTIONAL MATCH (:AccountRecord {record_id: m.record_b})-[:RESOLVES_TO]->(ab:Account)
RETURN m.review_id AS review_id, m.record_a AS record_a, m.record_b AS record_b,
       CASE m.status WHEN 'accepted' THEN 1.0 ELSE 0.0 END AS clerical_match_score,
       m.decided_by AS decided_by, toString(m.decided_at) AS decided_at, m.note AS note,
       m.model_version AS model_version, m.match_probability AS match_probability,
       coalesce(ca.customer_id, aa.account_id) AS entity_a,
       coalesce(cb.customer_id, ab.account_id) AS entity_b,
       coalesce(m.origin, 'review') AS origin
ORDER BY m.review_id
