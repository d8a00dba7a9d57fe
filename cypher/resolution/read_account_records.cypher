// Every non-placeholder company record with the fields entity resolution compares and the
// unified (:Account) it resolves to now (null when never resolved).
// Params: $only_unresolved: bool (true = only records with no RESOLVES_TO yet).
// Returns one row per record; values exactly as the source exported them.
MATCH (r:AccountRecord)
WHERE r.placeholder IS NULL
OPTIONAL MATCH (r)-[:RESOLVES_TO]->(a:Account)
WITH r, a
WHERE NOT $only_unresolved OR a IS NULL
RETURN r.record_id AS record_id, r.source_system AS source_system, r.name AS name,
       r.domain AS domain, r.city AS city, r.country AS country, r.industry AS industry,
       a.account_id AS entity_id, r.rk_digest AS keys_digest
