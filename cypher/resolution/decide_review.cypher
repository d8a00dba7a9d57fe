// Record a reviewer's decision on a pair (or create a decided item, for unmerge): accepted =
// must-link, rejected = cannot-link; every later resolution run honours it. The item holds the
// decision in force; each decision is also appended as its own (:ReviewDecision) node, so an
// overturned one (a reviewer changing their mind, an unmerge turning an accept into a reject)
// stays on record: who decided what, when and why, in order.
// Params: $review_id, $kind, $record_a, $record_b, $status: "accepted"|"rejected", $by, $at,
//   $note: string or null, $origin: "review" (a person judged this pair) | "unmerge" |
//   "rejoin" (pinned by an operation: binding, but not a label of the pair).
// Returns: review_id, status (no row if the item does not exist and records are null).
MERGE (m:MatchReview {review_id: $review_id})
  ON CREATE SET m.source_system = 'resolution', m.source_id = $review_id,
                m.first_run = 'review', m.first_seen = $at, m.kind = $kind,
                m.record_a = $record_a, m.record_b = $record_b, m.created_at = $at
// An operation pinning the decision a person already made keeps it a person's judgement.
SET m.origin = CASE
  WHEN $origin <> 'review' AND m.status = $status AND m.origin = 'review' THEN 'review'
  ELSE $origin
END
SET m.status = $status, m.decided_by = $by, m.decided_at = $at, m.note = $note,
    m.last_seen = $at, m.last_run = 'review',
    m.decisions = coalesce(m.decisions, 0) + 1
CREATE (m)-[:DECIDED]->(:ReviewDecision {
  source_system: 'resolution', source_id: $review_id, first_run: 'review', last_run: 'review',
  first_seen: $at, last_seen: $at, review_id: $review_id, seq: m.decisions, status: $status,
  decided_by: $by, decided_at: $at, note: $note, origin: $origin})
RETURN m.review_id AS review_id, m.status AS status, m.record_a AS record_a,
       m.record_b AS record_b
