// Every source record that carries an email address (case-insensitive), with its source,
// employer and interaction count — the raw material entity resolution unifies.
// Params: $email.   Try in Neo4j Browser: :param email => 'jane.doe@example.com'
MATCH (r:CustomerRecord)
WHERE toLower(r.email) = toLower($email)
OPTIONAL MATCH (r)-[:WORKS_AT]->(a:AccountRecord)
OPTIONAL MATCH (r)-[:PERFORMED]->(i:Interaction)
RETURN r.record_id AS record, r.source_system AS source, r.full_name AS name,
       a.name AS employer, count(i) AS interactions
ORDER BY interactions DESC
