// Every decision ever made on review items, oldest first, with the one in force: who accepted
// or rejected which pair, when and why — overturned decisions included (a reviewer changing
// their mind, an unmerge turning an accept into a reject).
// Params: $record_id: a source record id, or null for every item.
// Returns: review_id, kind, record_a, record_b, seq, status, decided_by, decided_at, note,
//   in_force (whether this decision is the item's current one).
MATCH (m:MatchReview)-[:DECIDED]->(d:ReviewDecision)
WHERE $record_id IS NULL OR $record_id IN [m.record_a, m.record_b]
RETURN m.review_id AS review_id, m.kind AS kind, m.record_a AS record_a, m.record_b AS record_b,
       d.seq AS seq, d.status AS status, d.decided_by AS decided_by,
       toString(d.decided_at) AS decided_at, d.note AS note, d.seq = m.decisions AS in_force
ORDER BY d.decided_at, m.review_id, d.seq
