// Everything the copy writer may say about one customer, in one round trip: their source
// records (names, e-mails, consent), employer and industry, products owned, recent
// interactions, the serving cross-sell recommendations and propensity score, and the texts
// they already received or have drafted (for the near-duplicate rail).
// Erased, opted-out and merged people are never returned: the WHERE clause drops a customer
// that is not active, carries erased/do_not_contact, or has a record whose status is in
// $excluded_statuses — so no writer ever sees their data.
// Params: $customer_id: string, $excluded_statuses: [string], $interactions: int (recent
//   interactions to return), $received: int (received content bodies to return).
// Returns: one row (or none): customer_id, records, account, owned, recent, recommendations,
//   propensity, previous_drafts, received.
MATCH (c:Customer {customer_id: $customer_id})
WHERE c.status = 'active' AND coalesce(c.erased, false) = false
  AND coalesce(c.do_not_contact, false) = false
MATCH (r:CustomerRecord)-[:RESOLVES_TO]->(c)
WITH c, collect(r) AS records
WHERE none(r IN records WHERE coalesce(r.status, '') IN $excluded_statuses)
CALL (c) {
  OPTIONAL MATCH (c)-[:WORKS_AT]->(a:Account)
  OPTIONAL MATCH (ar:AccountRecord)-[:RESOLVES_TO]->(a)
  OPTIONAL MATCH (ar)-[:IN_INDUSTRY]->(ind:Industry)
  WITH a, ar, ind ORDER BY a.account_id, ar.record_id
  WITH a, collect(ar) AS ars, collect(ind.name) AS industries
  RETURN CASE WHEN a IS NULL THEN null ELSE {
    account_id: a.account_id, record_id: ars[0].record_id, name: ars[0].name,
    industry: industries[0]} END AS account
  LIMIT 1
}
CALL (records) {
  UNWIND records AS r
  MATCH (r)-[:PERFORMED]->(o:Order)-[line:CONTAINS]->(p:Product)
  WHERE coalesce(o.status, 'paid') = 'paid'
  WITH p, o, line ORDER BY o.occurred_at DESC
  WITH p, collect(o)[0] AS last_order, sum(line.quantity) AS units
  WITH p, last_order, units ORDER BY last_order.occurred_at DESC
  RETURN collect({sku: p.sku, name: p.name, category: p.category,
                  discontinued: coalesce(p.discontinued, false),
                  order_id: last_order.interaction_id,
                  ordered_at: toString(last_order.occurred_at), units: units}) AS owned
}
CALL (records) {
  UNWIND records AS r
  MATCH (r)-[:PERFORMED]->(i:Interaction)
  WITH i ORDER BY i.occurred_at DESC LIMIT $interactions
  OPTIONAL MATCH (i)-[:ENGAGED_WITH]->(ct:Content)
  RETURN collect({interaction_id: i.interaction_id, kind: i.kind, channel: i.channel,
                  occurred_at: toString(i.occurred_at), content_id: ct.content_id,
                  content_title: ct.title}) AS recent
}
CALL (c) {
  OPTIONAL MATCH (mv:ModelVersion {task: 'cross_sell', serving: true})
  OPTIONAL MATCH (c)-[rec:RECOMMENDED]->(p:Product)
  WHERE mv IS NOT NULL AND rec.model_version = mv.version
  WITH rec, p ORDER BY rec.rank
  RETURN [x IN collect(CASE WHEN p IS NULL THEN null ELSE {
    sku: p.sku, model_version: rec.model_version, rank: rec.rank, score: rec.score,
    confidence: rec.confidence, reasons: rec.reasons} END) WHERE x IS NOT NULL][..20]
    AS recommendations
}
CALL (c) {
  OPTIONAL MATCH (c)-[s:SCORED_BY]->(pm:ModelVersion {task: 'propensity', serving: true})
  RETURN CASE WHEN pm IS NULL THEN null ELSE {
    model_version: pm.version, probability: s.probability, confidence: s.confidence,
    reasons: s.reasons} END AS propensity
  LIMIT 1
}
CALL (c) {
  OPTIONAL MATCH (d:CopyDraft)-[:FOR]->(c)
  RETURN collect({draft_id: d.draft_id, channel: d.channel, subject: d.subject, body: d.body,
                  status: d.status, template: d.template,
                  exported: d.exported_at IS NOT NULL}) AS previous_drafts
}
CALL (records) {
  UNWIND records AS r
  MATCH (r)-[:PERFORMED]->(:Interaction {kind: 'email_send'})-[:ENGAGED_WITH]->(ct:Content)
  WITH DISTINCT ct LIMIT $received
  RETURN collect({content_id: ct.content_id, title: ct.title, body: ct.body}) AS received
}
RETURN c.customer_id AS customer_id,
       [r IN records | {record_id: r.record_id, source_system: r.source_system,
         first_name: r.first_name, last_name: r.last_name, full_name: r.full_name,
         email: r.email, phone: r.phone, consent_email: r.consent_email,
         consent_sms: r.consent_sms, status: r.status,
         updated_at: toString(coalesce(r.updated_at, r.created_at))}] AS records,
       account, owned, recent, recommendations, propensity, previous_drafts, received
