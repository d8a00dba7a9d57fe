// Link prediction export: paid order lines per unified customer, with the order time as epoch
// seconds (the temporal split cuts on it). Refunded and cancelled orders are not purchases.
// Params: none.   Returns: customer_id, sku, at (epoch seconds), quantity, order_id.
MATCH (c:Customer)<-[:RESOLVES_TO]-(:CustomerRecord)-[:PERFORMED]->(o:Order)-[l:CONTAINS]->(p:Product)
WHERE c.status = 'active' AND o.status = 'paid' AND p.placeholder IS NULL
RETURN c.customer_id AS customer_id, p.sku AS sku, o.occurred_at.epochSeconds AS at,
       l.quantity AS quantity, o.interaction_id AS order_id
