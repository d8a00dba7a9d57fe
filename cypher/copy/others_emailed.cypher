// The PII rail, e-mail addresses: which addresses found in a text belong to a person other
// than the customer the text is for (exact match through the e-mail lookup index; pass each
// address as written and lower-cased).
// Params: $customer_id: string, $emails: [string].
// Returns: value (the leaked address, lower case), record_id — at most 20 rows.
UNWIND $emails AS email
MATCH (node:CustomerRecord {email: email})
WHERE NOT (node)-[:RESOLVES_TO]->(:Customer {customer_id: $customer_id})
RETURN DISTINCT toLower(email) AS value, node.record_id AS record_id
LIMIT 20
