// Which of the given ids were ever issued to a (:Customer) (active or retired): an incremental
// run checks only the ids it is about to mint instead of reading every issued id.
// Params: $ids: [string].   Returns: id.
UNWIND $ids AS id
MATCH (e:Customer {customer_id: id})
RETURN e.customer_id AS id
