// Reviewers' decisions the graph does not reflect yet: an accepted pair whose records resolve
// to two different Accounts, or a rejected pair resolving to one. An incremental run brings
// these entities in whole and re-clusters them under the decisions, so a decision binds on
// the next scheduled refresh, not only on the next full run.
// Params: none.   Returns: entity_ids: the Accounts involved (distinct).
MATCH (m:MatchReview)
WHERE m.status IN ['accepted', 'rejected'] AND m.kind = 'account'
MATCH (a:AccountRecord {record_id: m.record_a})-[:RESOLVES_TO]->(ea:Account)
MATCH (b:AccountRecord {record_id: m.record_b})-[:RESOLVES_TO]->(eb:Account)
WITH m, ea, eb
WHERE (m.status = 'accepted') = (ea <> eb)
UNWIND [ea.account_id, eb.account_id] AS entity_id
RETURN collect(DISTINCT entity_id) AS entity_ids
