// Store content embeddings (float32 vectors for the `content_embedding` index) and which
// model made them. Idempotent: re-setting the same vector changes nothing.
// Params: $rows: [{content_id, embedding: [float]}], $model: string.
// Returns: written.
UNWIND $rows AS row
MATCH (c:Content {content_id: row.content_id})
CALL db.create.setNodeVectorProperty(c, 'embedding', row.embedding)
SET c.embedding_model = $model, c.embedded_at = datetime()
RETURN count(c) AS written
