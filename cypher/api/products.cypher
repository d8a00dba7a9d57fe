// API: one page of catalog products, after a keyset cursor. $name_contains is matched
// case-insensitively as a plain substring (a parameter, not a pattern). The sort is one of
// fixed CASE branches picked by $sort (a GraphQL enum value).
// Rows sort by `key` as Neo4j orders values (a null key after every value when ascending,
// before them when descending, as the offset version did), then by sku ascending; the page
// starts after the row ($after_key, $after_id): no SKIP and no count (products_count.cypher
// counts, only when a client selects totalCount).
// Params: $category, $subcategory, $name_contains: string|null;
//   $sort: NAME_ASC|PRICE_ASC|PRICE_DESC;
//   $after_key: the previous page's last key; $after_id: its sku, null on the first page;
//   $limit: int (page size + 1, so the caller sees whether a next page exists).
// Returns: rows of item (map of Product properties), key, id.
MATCH (p:Product)
WHERE ($category IS NULL OR p.category = $category)
  AND ($subcategory IS NULL OR p.subcategory = $subcategory)
  AND ($name_contains IS NULL OR toLower(p.name) CONTAINS toLower($name_contains))
WITH p, p.sku AS id,
     CASE $sort WHEN 'NAME_ASC' THEN p.name WHEN 'PRICE_ASC' THEN p.price
                WHEN 'PRICE_DESC' THEN p.price END AS key
WHERE $after_id IS NULL
   OR CASE WHEN key IS NULL THEN CASE WHEN $after_key IS NULL THEN id > $after_id
                                      ELSE NOT $sort ENDS WITH '_DESC' END
           WHEN $after_key IS NULL THEN $sort ENDS WITH '_DESC'
           WHEN key = $after_key THEN id > $after_id
           WHEN $sort ENDS WITH '_DESC' THEN key < $after_key
           ELSE key > $after_key END
RETURN p {.*} AS item, key, id
ORDER BY CASE WHEN $sort ENDS WITH '_DESC' THEN key END DESC,
         CASE WHEN NOT $sort ENDS WITH '_DESC' THEN key END ASC,
         id ASC
LIMIT $limit
