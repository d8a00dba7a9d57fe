// The PII rail, names: which full names found in a text belong to a person other than the
// customer the text is for. Candidates come through the `entity_names` full-text index (a
// quoted-phrase Lucene query the caller builds from letters only) and are then compared
// exactly and case-insensitively on the record's full name.
// Params: $customer_id: string, $lucene: string (non-empty), $names: [lower-case string].
// Returns: value (the leaked name, lower case), record_id — at most 20 rows.
CALL db.index.fulltext.queryNodes('entity_names', $lucene) YIELD node
WITH node
WHERE node:CustomerRecord AND toLower(trim(node.full_name)) IN $names
  AND NOT (node)-[:RESOLVES_TO]->(:Customer {customer_id: $customer_id})
RETURN DISTINCT toLower(trim(node.full_name)) AS value, node.record_id AS record_id
LIMIT 20
