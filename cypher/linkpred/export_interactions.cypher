// Link prediction export: every interaction of every active unified customer (kind, time, and
// the content it engaged with if any) — the behaviour features and the customer→content edges.
// Params: none.   Returns: customer_id, kind, at (epoch seconds), content_id (or null).
MATCH (c:Customer)<-[:RESOLVES_TO]-(:CustomerRecord)-[:PERFORMED]->(i:Interaction)
WHERE c.status = 'active'
OPTIONAL MATCH (i)-[:ENGAGED_WITH]->(ct:Content)
RETURN c.customer_id AS customer_id, i.kind AS kind, i.occurred_at.epochSeconds AS at,
       ct.content_id AS content_id
