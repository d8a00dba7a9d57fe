// Link unified people to unified companies: (:Customer)-[:WORKS_AT {via}]->(:Account), derived
// from their records' WORKS_AT to CRM accounts or from a company name that names one account.
// Params: $rows: [{customer_id, account_id, via}], $run_id, $at: datetime.
UNWIND $rows AS row
MATCH (c:Customer {customer_id: row.customer_id})
MATCH (a:Account {account_id: row.account_id})
MERGE (c)-[w:WORKS_AT]->(a)
  ON CREATE SET w.source_system = 'resolution', w.source_id = row.customer_id,
                w.first_run = $run_id, w.first_seen = $at
SET w.last_run = $run_id, w.last_seen = $at, w.via = row.via
