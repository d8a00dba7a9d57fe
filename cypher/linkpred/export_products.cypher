// Link prediction export: the catalog — the items a customer can be recommended.
// Params: none.   Returns: sku, name, category, subcategory, price, discontinued.
MATCH (p:Product)
WHERE p.placeholder IS NULL
RETURN p.sku AS sku, p.name AS name, p.category AS category, p.subcategory AS subcategory,
       toFloat(p.price) AS price, coalesce(p.discontinued, false) AS discontinued
ORDER BY sku
