// Why a unified account's company records were joined: each record with the pair and per-field
// comparison levels and match weights that attached it, plus how many customers work there.
// Columns as explain_customer.cypher (full_name: the company name, email: its web domain,
// phone: its industry; works_at: the account's own name(s)), so one explanation reads both.
// Params: $account_id.
MATCH (a:Account {account_id: $account_id})
OPTIONAL MATCH (r:AccountRecord)-[l:RESOLVES_TO]->(a)
RETURN a.account_id AS entity_id, a.status AS status, a.merged_into AS merged_into,
       r.record_id AS record_id, r.source_system AS source_system,
       r.name AS full_name, r.domain AS email, r.industry AS phone, r.city AS city,
       l.rule AS rule, l.match_probability AS match_probability,
       l.match_weight AS match_weight, l.matched_with AS matched_with,
       l.evidence_fields AS fields, l.evidence_levels AS levels,
       l.evidence_weights AS weights, l.model_version AS model_version,
       COUNT { (:Customer)-[:WORKS_AT]->(a) } AS employees, [] AS works_at
ORDER BY record_id
