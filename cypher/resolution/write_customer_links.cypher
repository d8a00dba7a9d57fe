// Attach each CustomerRecord to its unified (:Customer) — creating or reactivating it — and drop any
// RESOLVES_TO to another Customer, so every record resolves to exactly one entity. The link carries
// the evidence for the pair that joined the record to its cluster (fields, levels, weights).
// Params: $rows: [{record_id, entity_id, match_probability, match_weight, rule, matched_with,
//   evidence_fields, evidence_levels, evidence_weights,
//   keys: the record's changed blocking keys (rk_*, blocking_keys.py) or null}], $run_id, $at: datetime,
//   $model_version: string.
// Returns: written.
UNWIND $rows AS row
MATCH (r:CustomerRecord {record_id: row.record_id})
WHERE r.erased_at IS NULL  // erased while this run scored it: leave it erased
SET r += coalesce(row.keys, {})
MERGE (e:Customer {customer_id: row.entity_id})
  ON CREATE SET e.source_system = 'resolution', e.source_id = row.entity_id,
                e.first_run = $run_id, e.first_seen = $at
SET e.status = 'active', e.last_run = $run_id, e.last_seen = $at
REMOVE e.merged_into
WITH r, e, row
CALL (r, e) {
  OPTIONAL MATCH (r)-[old:RESOLVES_TO]->(other:Customer)
  WHERE other <> e
  DELETE old
}
MERGE (r)-[l:RESOLVES_TO]->(e)
  ON CREATE SET l.source_system = 'resolution', l.source_id = row.record_id,
                l.first_run = $run_id, l.first_seen = $at
SET l.last_run = $run_id, l.last_seen = $at, l.resolved_at = $at,
    l.model_version = $model_version, l.rule = row.rule,
    l.match_probability = row.match_probability, l.match_weight = row.match_weight,
    l.matched_with = row.matched_with, l.evidence_fields = row.evidence_fields,
    l.evidence_levels = row.evidence_levels, l.evidence_weights = row.evidence_weights
RETURN count(*) AS written
