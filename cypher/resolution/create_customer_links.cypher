// Attach CustomerRecords that resolve to no Customer yet to their unified (:Customer) — creating or
// reactivating it — with a new RESOLVES_TO carrying the evidence for the pair that joined the
// record to its cluster. Only for records the run read with no RESOLVES_TO (a first run, new
// records): there is no stale link to drop and none to MERGE against, so the link is CREATEd
// (write_customer_links.cypher handles records that move between entities).
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
CREATE (r)-[l:RESOLVES_TO]->(e)
SET l.source_system = 'resolution', l.source_id = row.record_id,
    l.first_run = $run_id, l.first_seen = $at,
    l.last_run = $run_id, l.last_seen = $at, l.resolved_at = $at,
    l.model_version = $model_version, l.rule = row.rule,
    l.match_probability = row.match_probability, l.match_weight = row.match_weight,
    l.matched_with = row.matched_with, l.evidence_fields = row.evidence_fields,
    l.evidence_levels = row.evidence_levels, l.evidence_weights = row.evidence_weights
RETURN count(*) AS written
