// Every non-placeholder person record with the fields entity resolution compares, the unified
// (:Customer) it resolves to now (null when never resolved) and its CRM account record.
// Params: $only_unresolved: bool (true = only records with no RESOLVES_TO yet).
// Returns one row per record; values exactly as the source exported them.
MATCH (r:CustomerRecord)
WHERE r.placeholder IS NULL
OPTIONAL MATCH (r)-[:RESOLVES_TO]->(c:Customer)
WITH r, c
WHERE NOT $only_unresolved OR c IS NULL
OPTIONAL MATCH (r)-[:WORKS_AT]->(a:AccountRecord)
RETURN r.record_id AS record_id, r.source_system AS source_system,
       r.first_name AS first_name, r.last_name AS last_name, r.full_name AS full_name,
       r.email AS email, r.phone AS phone, r.city AS city, r.postcode AS postcode,
       r.country AS country, r.company_name AS company_name,
       a.record_id AS account_record_id, c.customer_id AS entity_id, r.rk_digest AS keys_digest
