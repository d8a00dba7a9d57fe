// API DataLoader: each order's lines (CONTAINS) with the product's sku, for a batch of keys in one round trip.
// Params: $keys: [string].
// Returns: key, items ([{line_no, quantity, unit_price, sku}]).
UNWIND $keys AS key
MATCH (:Order {interaction_id: key})-[l:CONTAINS]->(p:Product)
WITH key, l, p ORDER BY l.line_no
RETURN key, collect({line_no: l.line_no, quantity: l.quantity, unit_price: l.unit_price, sku: p.sku}) AS items
