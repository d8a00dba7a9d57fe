// Whether a unified customer exists, and what became of it (an erasure request names a person
// by the id a front-end shows; a merged-away id points at the customer that holds its records).
// Params: $customer_id: string.
// Returns: at most one row: status, merged_into.
MATCH (c:Customer {customer_id: $customer_id})
RETURN c.status AS status, c.merged_into AS merged_into
