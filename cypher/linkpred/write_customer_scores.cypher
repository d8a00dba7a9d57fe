// Write calibrated propensity scores of one model version: (:Customer)-[:SCORED_BY]->(:ModelVersion).
// Params: $rows: [{customer_id, probability, confidence, confidence_note, reasons:[string]}],
//   $version, $at: ISO datetime.   Returns: written.
MATCH (m:ModelVersion {version: $version})
UNWIND $rows AS row
MATCH (c:Customer {customer_id: row.customer_id})
WHERE c.status = 'active'  // not one erased, retired or merged since the run read the graph
MERGE (c)-[s:SCORED_BY]->(m)
  ON CREATE SET s.source_system = 'linkpred', s.source_id = $version,
                s.first_run = $version, s.first_seen = datetime($at)
SET s.probability = row.probability, s.confidence = row.confidence,
    s.confidence_note = row.confidence_note, s.reasons = row.reasons,
    s.scored_at = datetime($at), s.last_run = $version, s.last_seen = datetime($at)
RETURN count(*) AS written
