// Every Customer id ever issued (active or retired), so a freshly minted id never reuses one.
// Params: none.   Returns: id.
MATCH (e:Customer)
RETURN e.customer_id AS id
