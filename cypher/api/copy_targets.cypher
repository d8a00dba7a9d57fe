// API: do the ids a copy request names exist, and is the product one the customer already
// bought? Checked before the (slow) writer starts, so an unknown id is a clean NOT_FOUND and an
// owned product a field error on `sku` (copy introduces a product; the writer refuses it too).
// "Bought" is what the writer counts as owned (copy/customer_context.cypher): a paid order of
// one of the customer's records.
// Params: $customer_id: string; $sku: string or null; $campaign_id: string or null.
// Returns: one row: customer_status (null when no such customer), sku_found, campaign_found,
//   owned_order (the latest paid order with the product, or null), owned_at (its ISO time).
OPTIONAL MATCH (c:Customer {customer_id: $customer_id})
OPTIONAL MATCH (p:Product {sku: $sku})
OPTIONAL MATCH (cp:Campaign {campaign_id: $campaign_id})
CALL (c, p) {
  OPTIONAL MATCH (c)<-[:RESOLVES_TO]-(:CustomerRecord)-[:PERFORMED]->(o:Order)-[:CONTAINS]->(p)
  WHERE coalesce(o.status, 'paid') = 'paid'
  RETURN o AS owned ORDER BY o.occurred_at DESC LIMIT 1
}
RETURN CASE WHEN c IS NULL THEN null ELSE coalesce(c.status, 'active') END AS customer_status,
       p IS NOT NULL AS sku_found, cp IS NOT NULL AS campaign_found,
       owned.interaction_id AS owned_order, toString(owned.occurred_at) AS owned_at
