// API: one page of unified customers that entity resolution created (none before it has run)
// in customer_id order (sort CUSTOMER_ID_ASC, the default; customers_by_*.cypher: the others),
// after a keyset cursor. The list has no sort key (key is always null), so
// the cursor holds the last customer_id and the seek `c.customer_id > $after_id` plus the ORDER BY
// are both served by the customer_id uniqueness constraint's index: no SKIP, no sort, no count
// (customers_count.cypher counts, only when a client selects totalCount).
// Params: $status: string|null; $after_key: null; $after_id: the previous page's last
//   customer_id, null on the first page; $limit: int (page size + 1: is there a next page?).
// Returns: rows of item (map of Customer properties), key (null), id.
// Temporals the API exposes come back as ISO text (toString) and unexposed provenance
// timestamps as null: the Python driver builds each DateTime slowly (api/graphql/types.py).
MATCH (c:Customer)
WHERE c.customer_id > coalesce($after_id, '')
  AND ($status IS NULL OR c.status = $status)
RETURN c {.*, first_seen: toString(c.first_seen), last_seen: toString(c.last_seen)} AS item, null AS key, c.customer_id AS id
ORDER BY c.customer_id ASC
LIMIT $limit
