// Everything the graph holds about one person (a data subject's access request, GDPR art. 15):
// the unified customer, each source record behind it with the link that joined it (model
// version, rule, evidence), what they did (interactions, order lines), who they work for, the
// scores and recommendations written about them (model version, reasons), the copy drafted
// for them, the history of their merges and splits, reviewers' notes on pairs naming their
// records, and the erasures already honoured for them. Each part keeps its provenance
// properties (source system, source id, first / last run), so the answer says where each fact
// came from. Blocking keys and row hashes are dropped in Python (internal, not facts).
// Params: $customer_id: string.
// Returns: at most one row: customer, records, interactions, employers, recommendations,
//   propensity, drafts, history, reviews, erasures (maps and lists of maps).
MATCH (c:Customer {customer_id: $customer_id})
CALL (c) {
  OPTIONAL MATCH (r:CustomerRecord)-[l:RESOLVES_TO]->(c)
  WITH r, l ORDER BY r.record_id
  RETURN collect(r {.*, link: l {.*}}) AS records, collect(r) AS nodes
}
CALL (nodes) {
  UNWIND nodes AS r
  MATCH (r)-[:PERFORMED]->(i:Interaction)
  WITH r, i ORDER BY i.occurred_at, i.interaction_id
  RETURN collect(i {.*, record_id: r.record_id, lines: [(i)-[x:CONTAINS]->(p:Product) |
    {sku: p.sku, name: p.name, quantity: x.quantity, unit_price: x.unit_price}]}) AS interactions
}
CALL (c, nodes) {
  OPTIONAL MATCH (c)-[:WORKS_AT]->(a:Account)
  WITH collect(a {.account_id, .name, .status}) AS accounts
  UNWIND [null] + nodes AS r
  OPTIONAL MATCH (r)-[:WORKS_AT]->(ar:AccountRecord)
  WITH accounts, collect(ar {.record_id, .name, .domain, typed_by: r.record_id}) AS typed
  RETURN {accounts: accounts, typed_by_records: typed} AS employers
}
CALL (c) {
  OPTIONAL MATCH (c)-[rec:RECOMMENDED]->(p:Product)
  WITH rec, p ORDER BY rec.model_version, rec.rank
  RETURN collect(rec {.*, sku: p.sku, product: p.name}) AS recommendations
}
CALL (c) {
  OPTIONAL MATCH (c)-[s:SCORED_BY]->(m:ModelVersion {task: 'propensity'})
  WITH s, m ORDER BY m.version
  RETURN collect(s {.*, model_version: m.version}) AS propensity
}
CALL (c) {
  OPTIONAL MATCH (d:CopyDraft)-[:FOR]->(c)
  WITH d ORDER BY d.draft_id
  RETURN collect(d {.*}) AS drafts
}
CALL (c) {
  OPTIONAL MATCH (ev:ResolutionEvent)-[:INVOLVES]->(c)
  WITH ev ORDER BY ev.at, ev.event_id
  RETURN collect(ev {.*}) AS history
}
CALL (nodes) {
  WITH [r IN nodes | r.record_id] AS ids
  OPTIONAL MATCH (m:MatchReview)
  WHERE m.record_a IN ids OR m.record_b IN ids
  WITH m ORDER BY m.review_id
  RETURN collect(m {.review_id, .record_a, .record_b, .status, .note, .decided_by,
                    .decided_at}) AS reviews
}
CALL (nodes) {
  UNWIND nodes AS r
  MATCH (q:ErasureRequest)-[:ERASED]->(r)
  WITH DISTINCT q ORDER BY q.at
  RETURN collect(q {.erasure_id, .reference, .requested_by, .at}) AS erasures
}
RETURN c {.*} AS customer, records, interactions, employers, recommendations, propensity,
       drafts, history, reviews, erasures
