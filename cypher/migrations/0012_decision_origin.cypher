// Migration 0012: every decision says what made it (decide_review.cypher's origin: "review" =
// a person judged the pair, "unmerge" / "rejoin" = pinned by that operation), and decisions
// made before each was appended as a (:ReviewDecision) get their one entry. Back-fill: the
// operations wrote their notes as "unmerge <id>" / "reverse split <id>".
MATCH (d:ReviewDecision)
WHERE d.origin IS NULL
SET d.origin = CASE
  WHEN d.note STARTS WITH 'unmerge ' THEN 'unmerge'
  WHEN d.note STARTS WITH 'reverse split ' THEN 'rejoin'
  ELSE 'review'
END;
MATCH (m:MatchReview)
WHERE m.status IN ['accepted', 'rejected'] AND m.origin IS NULL
SET m.origin = CASE
  WHEN m.note STARTS WITH 'unmerge ' THEN 'unmerge'
  WHEN m.note STARTS WITH 'reverse split ' THEN 'rejoin'
  ELSE 'review'
END;
MATCH (m:MatchReview)
WHERE m.status IN ['accepted', 'rejected'] AND NOT (m)-[:DECIDED]->()
CREATE (m)-[:DECIDED]->(:ReviewDecision {
  source_system: 'resolution', source_id: m.review_id, first_run: 'migration-0012',
  last_run: 'migration-0012', first_seen: m.decided_at, last_seen: m.decided_at,
  review_id: m.review_id, seq: 1, status: m.status, decided_by: m.decided_by,
  decided_at: m.decided_at, note: m.note, origin: m.origin, backfilled: true})
SET m.decisions = 1;
