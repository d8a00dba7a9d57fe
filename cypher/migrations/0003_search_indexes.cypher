// Migration 0003: full-text and vector indexes.
// `entity_names` answers "find Jane at Acme" across raw records and unified entities
// (db.index.fulltext.queryNodes('entity_names', $query)); `content_text` searches copy and
// catalog text; `content_embedding` holds 384-d all-MiniLM-L6-v2 vectors for GraphRAG
// (db.index.vector.queryNodes('content_embedding', $k, $vector)).
CREATE FULLTEXT INDEX entity_names IF NOT EXISTS
FOR (n:CustomerRecord|AccountRecord|Customer|Account)
ON EACH [n.full_name, n.first_name, n.last_name, n.email, n.company_name, n.name, n.domain];
CREATE FULLTEXT INDEX content_text IF NOT EXISTS
FOR (n:Content|Product)
ON EACH [n.title, n.body, n.name, n.description];
CREATE VECTOR INDEX content_embedding IF NOT EXISTS
FOR (n:Content) ON n.embedding
OPTIONS {indexConfig: {`vector.dimensions`: 384, `vector.similarity_function`: 'cosine'}};
