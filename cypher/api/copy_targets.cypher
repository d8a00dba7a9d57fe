// API: do the ids a copy request names exist? Checked before the (slow) writer starts, so an
// unknown id is a clean NOT_FOUND for that argument.
// Params: $customer_id: string; $sku: string or null; $campaign_id: string or null.
// Returns: one row: customer_status (null when no such customer), sku_found, campaign_found.
OPTIONAL MATCH (c:Customer {customer_id: $customer_id})
OPTIONAL MATCH (p:Product {sku: $sku})
OPTIONAL MATCH (cp:Campaign {campaign_id: $campaign_id})
RETURN CASE WHEN c IS NULL THEN null ELSE coalesce(c.status, 'active') END AS customer_status,
       p IS NOT NULL AS sku_found, cp IS NOT NULL AS campaign_found
