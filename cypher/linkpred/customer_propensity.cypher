// A customer's propensity from the serving propensity model (or $version), and their account's.
// Params: $customer_id, $version: string or null.
// Returns: probability, confidence, confidence_note, reasons, model_version, account_id,
//   account_probability.
MATCH (c:Customer {customer_id: $customer_id})-[s:SCORED_BY]->(m:ModelVersion {task: 'propensity'})
WHERE ($version IS NULL AND m.serving) OR m.version = $version
OPTIONAL MATCH (c)-[:WORKS_AT]->(a:Account)-[sa:SCORED_BY]->(m)
RETURN s.probability AS probability, s.confidence AS confidence,
       s.confidence_note AS confidence_note, s.reasons AS reasons, m.version AS model_version,
       a.account_id AS account_id, sa.probability AS account_probability
