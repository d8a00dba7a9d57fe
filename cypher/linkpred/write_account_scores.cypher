// Write account propensity (P(someone at the account buys next period)) of one model version.
// Params: $rows: [{account_id, probability, people}], $version, $at: ISO datetime.
// Returns: written.
MATCH (m:ModelVersion {version: $version})
UNWIND $rows AS row
MATCH (a:Account {account_id: row.account_id})
MERGE (a)-[s:SCORED_BY]->(m)
  ON CREATE SET s.source_system = 'linkpred', s.source_id = $version,
                s.first_run = $version, s.first_seen = datetime($at)
SET s.probability = row.probability, s.people = row.people,
    s.scored_at = datetime($at), s.last_run = $version, s.last_seen = datetime($at)
RETURN count(*) AS written
