// Every Account id ever issued (active or retired), so a freshly minted id never reuses one.
// One row holding a list (see read_customer_ids.cypher).
// Params: none.   Returns: ids: [string].
MATCH (e:Account)
RETURN collect(e.account_id) AS ids
