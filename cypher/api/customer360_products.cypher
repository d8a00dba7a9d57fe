// API customer 360: the products a customer owns — everything on the orders any of their
// records placed and paid (refunded and cancelled orders are not purchases) — with units, spend and the last purchase time.
// Params: $record_ids: [string].
// Returns: sku, name, category, units, spent, orders, last_purchased_at; most recent first.
// Temporals the API exposes come back as ISO text (toString) and unexposed provenance
// timestamps as null: the Python driver builds each DateTime slowly (api/graphql/types.py).
MATCH (r:CustomerRecord)-[:PERFORMED]->(o:Order {status: 'paid'})-[l:CONTAINS]->(p:Product)
WHERE r.record_id IN $record_ids
WITH p, sum(l.quantity) AS units, sum(l.quantity * l.unit_price) AS spent,
     count(DISTINCT o) AS orders, max(o.occurred_at) AS last
ORDER BY last DESC, p.sku
RETURN p.sku AS sku, p.name AS name, p.category AS category, units, spent, orders,
       toString(last) AS last_purchased_at
