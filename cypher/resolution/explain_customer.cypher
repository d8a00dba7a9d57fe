// Why a unified customer's records were joined: each record with the pair and per-field
// comparison levels and match weights that attached it, plus where the customer works.
// Returns one row per record (columns shared with explain_account.cypher).
// Params: $customer_id.
MATCH (c:Customer {customer_id: $customer_id})
OPTIONAL MATCH (r:CustomerRecord)-[l:RESOLVES_TO]->(c)
OPTIONAL MATCH (c)-[:WORKS_AT]->(a:Account)<-[:RESOLVES_TO]-(ar:AccountRecord)
RETURN c.customer_id AS entity_id, c.status AS status, c.merged_into AS merged_into,
       r.record_id AS record_id, r.source_system AS source_system,
       r.full_name AS full_name, r.email AS email, r.phone AS phone, r.city AS city,
       l.rule AS rule, l.match_probability AS match_probability,
       l.match_weight AS match_weight, l.matched_with AS matched_with,
       l.evidence_fields AS fields, l.evidence_levels AS levels,
       l.evidence_weights AS weights, l.model_version AS model_version,
       null AS employees, collect(DISTINCT ar.name) AS works_at
ORDER BY record_id
