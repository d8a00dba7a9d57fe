// Link prediction export: every active unified customer with its employer and that employer's
// industry (the cold-start signals), plus the consent the copy writer later respects.
// Params: none.   Returns: customer_id, account_id, industry.
MATCH (c:Customer)
WHERE c.status = 'active'
OPTIONAL MATCH (c)-[:WORKS_AT]->(a:Account)
WITH c, head(collect(a)) AS a
OPTIONAL MATCH (a)<-[:RESOLVES_TO]-(:AccountRecord)-[:IN_INDUSTRY]->(ind:Industry)
WITH c, a, head(collect(ind.name)) AS industry
RETURN c.customer_id AS customer_id, a.account_id AS account_id, industry
ORDER BY customer_id
