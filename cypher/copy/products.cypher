// Catalog facts for the given products (the fact-check and the writers' only source for
// product names, prices, features and availability).
// Params: $skus: [string].
// Returns: sku, name, price, currency, attributes (JSON text), description, discontinued,
//   category, subcategory — one row per known, non-placeholder sku.
UNWIND $skus AS sku
MATCH (p:Product {sku: sku})
WHERE p.placeholder IS NULL
RETURN p.sku AS sku, p.name AS name, p.price AS price, p.currency AS currency,
       p.attributes AS attributes, p.description AS description,
       coalesce(p.discontinued, false) AS discontinued, p.category AS category,
       p.subcategory AS subcategory
