// Store generated copy as drafts awaiting human review, linked to the customer, the product
// it promotes, the campaign (if any) and the serving model version whose recommendation was
// used. Idempotent per draft_id (the id is made before the transaction, so a retried
// transaction writes the same drafts once).
// Params: $rows: [{draft_id, customer_id, sku, campaign_id, model_version, channel, variant,
//   template, subject, body, writer, writer_version, requested_writer, citations (JSON),
//   rail_results (JSON), explanation, product_rule, passed}], $run_id: string, $now: string,
//   $by: who asked for the copy (an API role, the CLI, the refresh job).
// Returns: created.
UNWIND $rows AS row
MATCH (c:Customer {customer_id: row.customer_id})
MATCH (p:Product {sku: row.sku})
MERGE (d:CopyDraft {draft_id: row.draft_id})
  ON CREATE SET d.channel = row.channel, d.variant = row.variant, d.template = row.template,
                d.subject = row.subject, d.body = row.body, d.writer = row.writer,
                d.writer_version = row.writer_version, d.requested_writer = row.requested_writer,
                d.citations = row.citations, d.rail_results = row.rail_results,
                d.explanation = row.explanation, d.product_rule = row.product_rule,
                d.model_version = row.model_version, d.customer_id = row.customer_id,
                d.sku = row.sku, d.campaign_id = row.campaign_id, d.rails_passed = row.passed,
                d.status = CASE WHEN row.passed THEN 'draft' ELSE 'rejected' END,
                d.reviewed_by = CASE WHEN row.passed THEN null ELSE 'guardrails' END,
                d.review_reason = CASE WHEN row.passed THEN null
                                       ELSE 'failed guardrails' END,
                d.review_history = CASE WHEN row.passed THEN []
                                        ELSE ['rejected by guardrails at ' + $now +
                                              ': failed guardrails'] END,
                d.created_at = datetime($now), d.requested_by = $by,
                d.product_hash = p.row_hash,  // the product as the text quotes it (export checks)
                d.source_system = 'marketgraph-copy',
                d.source_id = row.draft_id, d.first_run = $run_id, d.last_run = $run_id,
                d.first_seen = datetime($now), d.last_seen = datetime($now)
MERGE (d)-[f:FOR]->(c)
  ON CREATE SET f.source_system = 'marketgraph-copy', f.source_id = row.draft_id,
                f.first_run = $run_id, f.first_seen = datetime($now)
MERGE (d)-[pr:PROMOTES]->(p)
  ON CREATE SET pr.source_system = 'marketgraph-copy', pr.source_id = row.draft_id,
                pr.first_run = $run_id, pr.first_seen = datetime($now)
WITH d, row
CALL (d, row) {
  MATCH (cp:Campaign {campaign_id: row.campaign_id})
  MERGE (d)-[ic:IN_CAMPAIGN]->(cp)
    ON CREATE SET ic.source_system = 'marketgraph-copy', ic.source_id = row.draft_id,
                  ic.first_run = $run_id, ic.first_seen = datetime($now)
}
CALL (d, row) {
  MATCH (mv:ModelVersion {version: row.model_version, task: 'cross_sell'})
  MERGE (d)-[u:USED_MODEL]->(mv)
    ON CREATE SET u.source_system = 'marketgraph-copy', u.source_id = row.draft_id,
                  u.first_run = $run_id, u.first_seen = datetime($now)
}
RETURN count(d) AS created
