// For every top-level category, the products bought by the most distinct customers: the
// fallback product rule for customers without an industry (their own categories first, then
// the whole shop, whose best sellers are the union of these lists). One query, cached for a
// writing session.
// Params: $limit: int (products kept per category).
// Returns: category, top: [{sku, buyers (distinct customers), units}] — best first.
MATCH (c:Customer {status: 'active'})<-[:RESOLVES_TO]-(:CustomerRecord)-[:PERFORMED]->(o:Order)
      -[line:CONTAINS]->(p:Product)
WHERE coalesce(o.status, 'paid') = 'paid' AND coalesce(p.discontinued, false) = false
WITH p.category AS category, p, count(DISTINCT c) AS buyers, sum(line.quantity) AS units
ORDER BY buyers DESC, units DESC, p.sku
WITH category, collect({sku: p.sku, buyers: buyers, units: units})[..$limit] AS top
RETURN category, top
