// API: one page of content (emails, landing pages, posts) without its embedding vector,
// after a keyset cursor. The sort is one of fixed CASE branches picked by $sort.
// Rows sort by `key` as Neo4j orders values (a null key after every value when ascending,
// before them when descending, as the offset version did), then by content_id ascending; the
// page starts after the row ($after_key, $after_id): no SKIP and no count
// (contents_count.cypher counts, only when a client selects totalCount). Datetime keys are
// epochMillis and date keys ISO text: plain JSON values a cursor carries exactly (a datetime
// parameter would be compared by zone as well as instant).
// Params: $content_type, $campaign_id: string|null; $sort: PUBLISHED_DESC|TITLE_ASC;
//   $after_key: the previous page's last key; $after_id: its content_id, null on the first page;
//   $limit: int (page size + 1, so the caller sees whether a next page exists).
// Returns: rows of item (map of Content properties except embedding), key, id.
MATCH (c:Content)
WHERE ($content_type IS NULL OR c.content_type = $content_type)
  AND ($campaign_id IS NULL OR EXISTS { (c)-[:PART_OF]->(:Campaign {campaign_id: $campaign_id}) })
WITH c, c.content_id AS id,
     CASE $sort WHEN 'PUBLISHED_DESC' THEN c.published_at.epochMillis
                WHEN 'TITLE_ASC' THEN c.title END AS key
WHERE $after_id IS NULL
   OR CASE WHEN key IS NULL THEN CASE WHEN $after_key IS NULL THEN id > $after_id
                                      ELSE NOT $sort ENDS WITH '_DESC' END
           WHEN $after_key IS NULL THEN $sort ENDS WITH '_DESC'
           WHEN key = $after_key THEN id > $after_id
           WHEN $sort ENDS WITH '_DESC' THEN key < $after_key
           ELSE key > $after_key END
RETURN c {.*, embedding: null} AS item, key, id
ORDER BY CASE WHEN $sort ENDS WITH '_DESC' THEN key END DESC,
         CASE WHEN NOT $sort ENDS WITH '_DESC' THEN key END ASC,
         id ASC
LIMIT $limit
