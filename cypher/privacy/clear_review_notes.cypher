// Clear the reviewers' notes on review items that pair an erased record, and on each of their
// decisions: a note is free text ("same Jane, she called about her order") and `review labels
// --out` exports it. The decisions themselves stay (what was judged, by whom, when). A scan of
// the review items, which an index on the record ids would spare: an erasure is rare.
// Params: $record_ids: [string].
// Returns: cleared (review items).
MATCH (m:MatchReview)
WHERE m.record_a IN $record_ids OR m.record_b IN $record_ids
SET m.note = null
WITH m
CALL (m) {
  OPTIONAL MATCH (m)-[:DECIDED]->(d:ReviewDecision)
  SET d.note = null
}
RETURN count(m) AS cleared
