// API: one page of content (emails, landing pages, posts) without its embedding vector, plus
// the total over the same filters.
// Params: $content_type, $campaign_id: string|null; $sort: PUBLISHED_DESC|TITLE_ASC;
//   $skip, $limit: int.
// Returns: total: int, items: [map of Content properties except embedding].
CALL () {
  MATCH (c:Content)
  WHERE ($content_type IS NULL OR c.content_type = $content_type)
    AND ($campaign_id IS NULL OR EXISTS { (c)-[:PART_OF]->(:Campaign {campaign_id: $campaign_id}) })
  RETURN count(c) AS total
}
CALL () {
  MATCH (c:Content)
  WHERE ($content_type IS NULL OR c.content_type = $content_type)
    AND ($campaign_id IS NULL OR EXISTS { (c)-[:PART_OF]->(:Campaign {campaign_id: $campaign_id}) })
  WITH c
  ORDER BY CASE $sort WHEN 'PUBLISHED_DESC' THEN c.published_at END DESC,
           CASE $sort WHEN 'TITLE_ASC' THEN c.title END ASC,
           c.content_id ASC
  SKIP $skip LIMIT $limit
  RETURN collect(c {.*, embedding: null}) AS items
}
RETURN total, items
