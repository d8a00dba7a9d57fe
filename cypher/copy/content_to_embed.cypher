// The next batch of content with text but no embedding (new, or changed since: ingest
// removes `embedding` when a text changes), in content_id order after a cursor.
// Params: $after: string (content_id cursor, "" to start), $limit: int.
// Returns: content_id, title, body.
MATCH (c:Content)
WHERE c.embedding IS NULL AND c.content_id > $after
  AND (c.title IS NOT NULL OR c.body IS NOT NULL)
RETURN c.content_id AS content_id, c.title AS title, c.body AS body
ORDER BY c.content_id
LIMIT $limit
