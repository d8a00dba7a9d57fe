// Migration 0013: each (:ResolutionEvent) gets (ev)-[:INVOLVES {role}]->(entity) to the entity
// it names and to each of its other_ids, as write_events.cypher now writes for new events, so
// read_events.cypher finds an entity's history from the entity instead of scanning every event
// (an id inside the other_ids list is answered by no index). Back-fill of the events written
// before: batched in their own transactions (the runner executes migrations in autocommit),
// MERGE so that running it again adds nothing, and entities long gone get no relationship (no
// node is created). A run's 'create' summary names no entity and is skipped.
MATCH (ev:ResolutionEvent)
WHERE ev.entity_type IN ['customer', 'account'] AND ev.entity_id IS NOT NULL
CALL (ev) {
  UNWIND [id IN [ev.entity_id] + coalesce(ev.other_ids, []) WHERE id IS NOT NULL] AS id
  OPTIONAL MATCH (c:Customer {customer_id: id})
    WHERE ev.entity_type = 'customer'
  OPTIONAL MATCH (a:Account {account_id: id})
    WHERE ev.entity_type = 'account'
  WITH ev, id, coalesce(c, a) AS e
  WHERE e IS NOT NULL
  MERGE (ev)-[i:INVOLVES]->(e)
    ON CREATE SET i.source_system = 'resolution', i.source_id = ev.event_id,
                  i.first_run = 'migration-0013', i.first_seen = ev.first_seen,
                  i.last_run = 'migration-0013', i.last_seen = ev.first_seen,
                  i.role = CASE WHEN id = ev.entity_id THEN 'entity' ELSE 'other' END,
                  i.backfilled = true
} IN TRANSACTIONS OF 10000 ROWS;
