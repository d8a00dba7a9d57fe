// Published content closest to a query vector, via the `content_embedding` vector index,
// keeping only content a writer may link to (landing pages and posts, not e-mail templates).
// The lines after the RETRIEVAL marker are the `retrieval_query` that langchain-neo4j's
// Neo4jVector appends to its own `CALL db.index.vector.queryNodes(...) YIELD node, score`
// (models/copy/retrieval.py passes them); the whole file runs as is in Neo4j Browser.
// Params: $k: int, $embedding: [float] (384-d), $content_types: [string].
// Returns: text (title), score, metadata {content_id, title, url, content_type, skus}.
CALL db.index.vector.queryNodes('content_embedding', $k, $embedding) YIELD node, score
// RETRIEVAL
WITH node, score
WHERE node.content_type IN $content_types
OPTIONAL MATCH (node)-[:FEATURES]->(p:Product)
WITH node, score, collect(p.sku) AS skus
RETURN node.title AS text, score,
       {content_id: node.content_id, title: node.title, url: node.url,
        content_type: node.content_type, skus: skus} AS metadata
