// API customer 360: the match evidence of each of a person's source records — the pair, rule,
// probability and per-field comparison levels / weights the resolution run stored on its
// RESOLVES_TO link (records not resolved yet have none).
// Params: $record_ids: [string].
// Returns: record_id, customer_id, rule, match_probability, match_weight, matched_with,
//   model_version, resolved_at (ISO text), fields, levels, weights; by record id.
UNWIND $record_ids AS id
MATCH (r:CustomerRecord {record_id: id})-[l:RESOLVES_TO]->(c:Customer)
RETURN r.record_id AS record_id, c.customer_id AS customer_id, l.rule AS rule,
       l.match_probability AS match_probability, l.match_weight AS match_weight,
       l.matched_with AS matched_with, l.model_version AS model_version,
       toString(l.resolved_at) AS resolved_at, l.evidence_fields AS fields,
       l.evidence_levels AS levels, l.evidence_weights AS weights
ORDER BY record_id
