// Which of the given ids were ever issued to a (:Account) (active or retired): an incremental
// run checks only the ids it is about to mint instead of reading every issued id.
// Params: $ids: [string].   Returns: id.
UNWIND $ids AS id
MATCH (e:Account {account_id: id})
RETURN e.account_id AS id
