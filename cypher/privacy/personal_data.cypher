// Everything the graph holds about one person (a data subject's access request, GDPR art. 15):
// the unified customer, each source record behind it with the link that joined it (model
// version, rule, evidence), the records that left it (deleted at their source or erased, with
// the erasure that covered them), what they did (interactions, order lines), who they work for,
// the scores and recommendations written about them (model version, reasons), the copy drafted
// for them, the history of their merges and splits, and the review items naming their records
// with every decision. Scores, drafts and history under ids merged into the customer count as
// theirs ($customer_ids). Each part keeps its provenance properties (source system, source id,
// first / last run). Python drops internal keys and masks other people's ids (access.py).
// Params: $customer_id: string; $customer_ids: [string] (it and the ids merged into it).
// Returns: at most one row: customer, records, removed_records, interactions, employers,
//   recommendations, propensity, drafts, history, reviews (maps and lists of maps).
MATCH (c:Customer {customer_id: $customer_id})
WHERE c.merged_into IS NULL
CALL (c) {
  OPTIONAL MATCH (r:CustomerRecord)-[l:RESOLVES_TO]->(c)
  WITH r, l ORDER BY r.record_id
  RETURN collect(r {.*, link: l {.*}}) AS records, collect(r) AS linked
}
CALL (c, linked) {
  OPTIONAL MATCH (ev:ResolutionEvent {kind: 'remove'})-[:INVOLVES]->(c)
  UNWIND coalesce(ev.record_ids, []) AS id
  MATCH (r:CustomerRecord {record_id: id})
  WHERE NOT r IN linked
  WITH DISTINCT r ORDER BY r.record_id
  RETURN collect(r {.*, erasures: [(q:ErasureRequest)-[:ERASED]->(r) |
           q {.erasure_id, .reference, .requested_by, .at}]}) AS removed_records,
         collect(r) AS removed
}
CALL (linked, removed) {
  UNWIND linked + removed AS r
  MATCH (r)-[:PERFORMED]->(i:Interaction)
  WITH r, i ORDER BY i.occurred_at, i.interaction_id
  RETURN collect(i {.*, record_id: r.record_id, lines: [(i)-[x:CONTAINS]->(p:Product) |
    {sku: p.sku, name: p.name, quantity: x.quantity, unit_price: x.unit_price}]}) AS interactions
}
CALL (c, linked) {
  OPTIONAL MATCH (c)-[wa:WORKS_AT]->(a:Account)
  WITH collect(a {.account_id, .name, .status, link: wa {.*}}) AS accounts
  UNWIND [null] + linked AS r
  OPTIONAL MATCH (r)-[w:WORKS_AT]->(ar:AccountRecord)
  WITH accounts, collect(ar {.record_id, .name, .domain, .source_system, .source_id,
                             typed_by: r.record_id, link: w {.*}}) AS typed
  RETURN {accounts: accounts, typed_by_records: typed} AS employers
}
CALL () {
  UNWIND $customer_ids AS id
  MATCH (:Customer {customer_id: id})-[rec:RECOMMENDED]->(p:Product)
  WITH id, rec, p ORDER BY rec.model_version, rec.rank
  RETURN collect(rec {.*, customer_id: id, sku: p.sku, product: p.name}) AS recommendations
}
CALL () {
  UNWIND $customer_ids AS id
  MATCH (:Customer {customer_id: id})-[s:SCORED_BY]->(m:ModelVersion {task: 'propensity'})
  WITH id, s, m ORDER BY m.version
  RETURN collect(s {.*, customer_id: id, model_version: m.version}) AS propensity
}
CALL () {
  UNWIND $customer_ids AS id
  MATCH (d:CopyDraft)-[:FOR]->(:Customer {customer_id: id})
  WITH d ORDER BY d.draft_id
  RETURN collect(d {.*}) AS drafts
}
CALL () {
  UNWIND $customer_ids AS id
  MATCH (ev:ResolutionEvent)-[:INVOLVES]->(:Customer {customer_id: id})
  WITH DISTINCT ev ORDER BY ev.at, ev.event_id
  RETURN collect(ev {.*}) AS history
}
CALL (linked, removed) {
  UNWIND [r IN linked + removed | r.record_id] AS id
  CALL (id) {
    MATCH (m:MatchReview {record_a: id}) RETURN m
    UNION
    MATCH (m:MatchReview {record_b: id}) RETURN m
  }
  WITH DISTINCT m ORDER BY m.review_id
  RETURN collect(m {.*, decisions: [(m)-[:DECIDED]->(d:ReviewDecision) | d {.*}]}) AS reviews
}
RETURN c {.*} AS customer, records, removed_records, interactions, employers, recommendations,
       propensity, drafts, history, reviews
