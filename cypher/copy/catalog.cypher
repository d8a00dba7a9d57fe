// The whole catalog as the fact-check needs it: which product names exist (to notice the
// products a text mentions, and product-like names the catalog does not have), whether each
// is discontinued, and the attribute/description vocabulary that counts as a feature claim.
// Loaded once per writing session (a few thousand products).
// Params: none.
// Returns: sku, name, discontinued, attributes (JSON text), description.
MATCH (p:Product)
WHERE p.placeholder IS NULL AND p.name IS NOT NULL
RETURN p.sku AS sku, p.name AS name, coalesce(p.discontinued, false) AS discontinued,
       p.attributes AS attributes, p.description AS description
