// API: how many Product nodes match products.cypher's filters (its totalCount, run only
// when a client selects totalCount).
// Params: $category, $subcategory, $name_contains: string|null.
// Returns: total: int.
MATCH (p:Product)
WHERE ($category IS NULL OR p.category = $category)
  AND ($subcategory IS NULL OR p.subcategory = $subcategory)
  AND ($name_contains IS NULL OR toLower(p.name) CONTAINS toLower($name_contains))
RETURN count(p) AS total
