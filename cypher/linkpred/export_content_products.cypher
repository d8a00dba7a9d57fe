// Link prediction export: which products each piece of content features (content→product edges
// that let "read about it" flow into "likely to buy it").
// Params: none.   Returns: content_id, sku, title.
MATCH (ct:Content)-[:FEATURES]->(p:Product)
WHERE p.placeholder IS NULL
RETURN ct.content_id AS content_id, p.sku AS sku, ct.title AS title
