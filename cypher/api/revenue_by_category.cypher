// API aggregation: order revenue (quantity x unit price over order lines) per category, at the
// top level (1) or the subcategory level (2), over paid orders (refunded and cancelled ones
// earned nothing), optionally for orders in a date range.
// Params: $level: 1|2; $occurred_from, $occurred_to: datetime|null.
// Returns: category_id, name, revenue, units, orders; highest revenue first.
MATCH (o:Order {status: 'paid'})-[l:CONTAINS]->(:Product)-[:IN_CATEGORY]->(sub:Category)
WHERE ($occurred_from IS NULL OR o.occurred_at >= $occurred_from)
  AND ($occurred_to IS NULL OR o.occurred_at < $occurred_to)
OPTIONAL MATCH (sub)-[:SUBCATEGORY_OF]->(top:Category)
WITH o, l, CASE WHEN $level = 1 THEN coalesce(top, sub) ELSE sub END AS cat
RETURN cat.category_id AS category_id, cat.name AS name,
       sum(l.quantity * l.unit_price) AS revenue, sum(l.quantity) AS units,
       count(DISTINCT o) AS orders
ORDER BY revenue DESC, category_id
