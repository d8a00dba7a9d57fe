// API: products.cypher read backwards, for backward pages (`last` / `before`): the rows strictly
// before the cursor row ($after_key, $after_id: the `before` cursor; $after_id null: from the end
// of the list), nearest the cursor first, i.e. in the exact reverse of that file's order: each
// sort's direction flipped (a null key first where it came last, last where it came first), ids
// descending. The API reverses the page back into the list's order, so both files give the same
// rows and cursors.
// Params: those of products.cypher (filters, $sort);
//   $after_key, $after_id: the cursor row; $limit: int (page size + 1, so the caller
//   sees whether a previous page exists).
// Returns: rows of item, key, id, as products.cypher.
MATCH (p:Product)
WHERE ($category IS NULL OR p.category = $category)
  AND ($subcategory IS NULL OR p.subcategory = $subcategory)
  AND ($name_contains IS NULL OR toLower(p.name) CONTAINS toLower($name_contains))
WITH p, p.sku AS id,
     CASE $sort WHEN 'NAME_ASC' THEN p.name WHEN 'PRICE_ASC' THEN p.price
                WHEN 'PRICE_DESC' THEN p.price END AS key
WHERE $after_id IS NULL
   OR CASE WHEN key IS NULL THEN CASE WHEN $after_key IS NULL THEN id < $after_id
                                      ELSE $sort ENDS WITH '_DESC' END
           WHEN $after_key IS NULL THEN NOT $sort ENDS WITH '_DESC'
           WHEN key = $after_key THEN id < $after_id
           WHEN $sort ENDS WITH '_DESC' THEN key > $after_key
           ELSE key < $after_key END
RETURN p {.*} AS item, key, id
ORDER BY CASE WHEN $sort ENDS WITH '_DESC' THEN key END ASC,
         CASE WHEN NOT $sort ENDS WITH '_DESC' THEN key END DESC,
         id DESC
LIMIT $limit
