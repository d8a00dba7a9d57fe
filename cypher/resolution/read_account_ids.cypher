// Every Account id ever issued (active or retired), so a freshly minted id never reuses one.
// Params: none.   Returns: id.
MATCH (e:Account)
RETURN e.account_id AS id
