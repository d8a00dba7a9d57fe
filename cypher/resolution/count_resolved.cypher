// How many person and company records resolve to a unified entity (answered from Neo4j's
// count store): an incremental run needs existing entities to join new records to.
// Returns: customer, account.
CALL () { MATCH (:CustomerRecord)-[l:RESOLVES_TO]->() RETURN count(l) AS customer }
CALL () { MATCH (:AccountRecord)-[l:RESOLVES_TO]->() RETURN count(l) AS account }
RETURN customer, account
