// Open clerical-review items for uncertain pairs. An existing item (open or decided) is left as
// it is, so a reviewer's decision is never overwritten by a later run.
// Params: $rows: [{review_id, kind, record_a, record_b, match_probability, match_weight,
//   evidence_fields, evidence_levels, evidence_weights}], $run_id, $at: datetime, $model_version.
// Returns: opened.
UNWIND $rows AS row
MERGE (m:MatchReview {review_id: row.review_id})
  ON CREATE SET m.source_system = 'resolution', m.source_id = row.review_id,
                m.first_run = $run_id, m.first_seen = $at, m.status = 'open',
                m.kind = row.kind, m.record_a = row.record_a, m.record_b = row.record_b,
                m.match_probability = row.match_probability, m.match_weight = row.match_weight,
                m.evidence_fields = row.evidence_fields, m.evidence_levels = row.evidence_levels,
                m.evidence_weights = row.evidence_weights, m.model_version = $model_version,
                m.created_at = $at, m.new = true
SET m.last_run = $run_id, m.last_seen = $at
WITH m, m.new AS opened
REMOVE m.new
RETURN count(opened) AS opened
