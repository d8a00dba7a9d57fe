// Revenue per product category for the people of each industry — the cross-sell structure
// the propensity model learns. Params: $limit: rows per industry.
MATCH (ind:Industry)<-[:IN_INDUSTRY]-(:AccountRecord)<-[:WORKS_AT]-(:CustomerRecord)
      -[:PERFORMED]->(o:Order)-[l:CONTAINS]->(:Product)-[:IN_CATEGORY]->(:Category)
      -[:SUBCATEGORY_OF]->(cat:Category)
WHERE o.status = 'paid'
WITH ind.name AS industry, cat.name AS category, sum(l.quantity * l.unit_price) AS revenue
ORDER BY industry, revenue DESC
WITH industry, collect({category: category, revenue: round(revenue, 2)})[..$limit] AS top
RETURN industry, top
ORDER BY industry
