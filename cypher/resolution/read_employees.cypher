// The unified customers who work at the given accounts, or whose records point at a company
// record of one of them: the people whose WORKS_AT must be derived again when those accounts
// change (merged, split, restored by an unmerge). Retired accounts keep their WORKS_AT until
// then, so the people linked to them by a typed name are found too.
// Params: $ids: [account_id].   Returns: customer_id (distinct).
UNWIND $ids AS id
MATCH (a:Account {account_id: id})
CALL (a) {
  MATCH (c:Customer)-[:WORKS_AT]->(a)
  RETURN c
  UNION
  MATCH (a)<-[:RESOLVES_TO]-(:AccountRecord)<-[:WORKS_AT]-(:CustomerRecord)-[:RESOLVES_TO]->(c:Customer)
  RETURN c
}
RETURN DISTINCT c.customer_id AS customer_id
