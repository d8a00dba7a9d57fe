// API: the category tree's nodes (small: tens of rows), top level first.
// Params: $level: int|null (1 = top, 2 = subcategory).
// Returns: item: map of Category properties, one row per category.
MATCH (c:Category)
WHERE $level IS NULL OR c.level = $level
RETURN c {.*} AS item
ORDER BY c.level ASC, c.name ASC, c.category_id ASC
