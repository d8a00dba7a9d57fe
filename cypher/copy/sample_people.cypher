// Real names and e-mail addresses of people other than one customer, for the adversarial
// set's planted PII leaks (evaluation only: tests and bench/copy_bench.py).
// Params: $customer_id: string, $limit: int.
// Returns: full_name, first_name, email — records that do not resolve to the customer.
MATCH (r:CustomerRecord)
WHERE r.full_name IS NOT NULL AND r.email IS NOT NULL AND r.first_name IS NOT NULL
  AND size(split(trim(r.full_name), ' ')) = 2
  AND NOT (r)-[:RESOLVES_TO]->(:Customer {customer_id: $customer_id})
RETURN r.full_name AS full_name, r.first_name AS first_name, r.email AS email
ORDER BY r.record_id
LIMIT $limit
