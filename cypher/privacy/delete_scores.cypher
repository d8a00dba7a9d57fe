// Delete the scores and recommendations, of every model version, of customers an erasure
// touched: their reasons quote what the person bought and did (derived personal data), and an
// older version promoted again would otherwise show them. The next scoring run scores again
// whoever still has records.
// Params: $customer_ids: [string].
// Returns: deleted (relationships).
UNWIND $customer_ids AS id
MATCH (:Customer {customer_id: id})-[s:RECOMMENDED|SCORED_BY]->()
DELETE s
RETURN count(s) AS deleted
