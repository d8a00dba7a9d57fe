// Customers the demo writes an e-mail for: active, e-mail consent granted by a record and
// denied by none, not excluded, and (if asked) with at least one order (so the copy can cite
// a purchase). The copy benchmark uses it too, without the order condition.
// Params: $excluded_statuses: [string], $require_order: boolean, $limit: int.
// Returns: customer_id, in id order.
MATCH (c:Customer {status: 'active'})<-[:RESOLVES_TO]-(r:CustomerRecord)
WITH c, collect(r) AS records
WHERE any(r IN records WHERE r.consent_email = true)
  AND none(r IN records WHERE r.consent_email = false)
  AND none(r IN records WHERE coalesce(r.status, '') IN $excluded_statuses)
  AND (NOT $require_order OR any(r IN records WHERE (r)-[:PERFORMED]->(:Order)))
RETURN c.customer_id AS customer_id
ORDER BY customer_id
LIMIT $limit
