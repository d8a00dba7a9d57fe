// For every industry, the products bought by the most distinct customers who work at
// accounts in it: the fallback product rule when no serving recommendation exists. One query
// for all industries, cached for a writing session (a per-customer aggregate would cost more
// than the rest of a request).
// Params: $limit: int (products kept per industry).
// Returns: industry, top: [{sku, buyers (distinct unified customers), units}] — best first.
MATCH (ind:Industry)<-[:IN_INDUSTRY]-(:AccountRecord)-[:RESOLVES_TO]->(a:Account)
MATCH (a)<-[:WORKS_AT]-(c:Customer {status: 'active'})<-[:RESOLVES_TO]-(:CustomerRecord)
      -[:PERFORMED]->(o:Order)-[line:CONTAINS]->(p:Product)
WHERE coalesce(o.status, 'paid') = 'paid' AND coalesce(p.discontinued, false) = false
WITH ind.name AS industry, p, count(DISTINCT c) AS buyers, sum(line.quantity) AS units
ORDER BY buyers DESC, units DESC, p.sku
WITH industry, collect({sku: p.sku, buyers: buyers, units: units})[..$limit] AS top
RETURN industry, top
