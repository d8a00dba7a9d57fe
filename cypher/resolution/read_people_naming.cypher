// Person records that typed one of some company names, and the customer each resolves to:
// when an incremental run adds, merges or retires company records, a typed name may now name
// exactly one account (or a second one), so the people who typed it must be linked again.
// Found through the `entity_names` full-text index (migration 0003) by the name's words, all
// required; the caller keeps the records whose normalised name is exactly one asked for.
// Params: $queries: [Lucene query on company_name, e.g. "company_name:(+lisaport +software)"].
// Returns: company_name (as typed), customer_id.
UNWIND $queries AS query
CALL db.index.fulltext.queryNodes('entity_names', query) YIELD node
WITH node
WHERE node:CustomerRecord AND node.deleted_at IS NULL
MATCH (node)-[:RESOLVES_TO]->(c:Customer)
RETURN DISTINCT node.company_name AS company_name, c.customer_id AS customer_id
