// Write top-K cross-sell recommendations of one model version, with the reasons and the graph
// facts behind each. Params: $rows: [{customer_id, sku, rank, score, confidence, reasons:[string],
//   facts:[string]}], $version, $at: ISO datetime.   Returns: written.
UNWIND $rows AS row
MATCH (c:Customer {customer_id: row.customer_id})
MATCH (p:Product {sku: row.sku})
MERGE (c)-[r:RECOMMENDED {model_version: $version}]->(p)
  ON CREATE SET r.source_system = 'linkpred', r.source_id = $version,
                r.first_run = $version, r.first_seen = datetime($at)
SET r.rank = row.rank, r.score = row.score, r.confidence = row.confidence,
    r.confidence_note = row.confidence_note, r.reasons = row.reasons, r.facts = row.facts,
    r.scored_at = datetime($at), r.last_run = $version, r.last_seen = datetime($at)
RETURN count(*) AS written
