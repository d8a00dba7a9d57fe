// API: one page of catalog products, plus the total over the same filters.
// $name_contains is matched case-insensitively as a plain substring (a parameter, not a pattern).
// Params: $category, $subcategory, $name_contains: string|null;
//   $sort: NAME_ASC|PRICE_ASC|PRICE_DESC; $skip, $limit: int.
// Returns: total: int, items: [map of Product properties].
CALL () {
  MATCH (p:Product)
  WHERE ($category IS NULL OR p.category = $category)
    AND ($subcategory IS NULL OR p.subcategory = $subcategory)
    AND ($name_contains IS NULL OR toLower(p.name) CONTAINS toLower($name_contains))
  RETURN count(p) AS total
}
CALL () {
  MATCH (p:Product)
  WHERE ($category IS NULL OR p.category = $category)
    AND ($subcategory IS NULL OR p.subcategory = $subcategory)
    AND ($name_contains IS NULL OR toLower(p.name) CONTAINS toLower($name_contains))
  WITH p
  ORDER BY CASE $sort WHEN 'NAME_ASC' THEN p.name END ASC,
           CASE $sort WHEN 'PRICE_ASC' THEN p.price END ASC,
           CASE $sort WHEN 'PRICE_DESC' THEN p.price END DESC,
           p.sku ASC
  SKIP $skip LIMIT $limit
  RETURN collect(p {.*}) AS items
}
RETURN total, items
