// API customer 360 in one round trip: the unified customer (if entity resolution has linked one),
// every person record behind it, and - only when asked - the company record the first of them
// with one WORKS_AT, the most recent interactions and the products owned. Found from either a
// record id or a customer id; before resolution has run the record alone is used.
// Same semantics as customer360_records + batch/employer_of_customer_records +
// customer360_interactions + customer360_products, which the field resolvers fall back to.
// Params: $record_id, $customer_id: string|null (exactly one is set); $limit: int (interactions);
//         $with_account, $with_interactions, $with_products: bool (compute that part or not).
// Returns: one row: customer (map|null), records ([CustomerRecord map], most recently updated
//          first; records without an update time - web, e-mail - last), account (AccountRecord map|null), interactions ([Interaction map], newest
//          first, at most $limit), products (bought on paid orders: [{sku, name, category, units, spent, orders,
//          last_purchased_at}], most recent purchase first); no row if not found.
// Temporals the API exposes come back as ISO text (toString) and unexposed provenance
// timestamps as null: the Python driver builds each DateTime slowly (api/graphql/types.py).
// performer_deleted: the call notes' person was deleted at their source (notes masked below
// analyst, as the record's own fields are: api/graphql/types.py interaction_from).
// email_refused_elsewhere / phone_refused_elsewhere: a record of the same customer refused
// e-mail / SMS: the person did (masked for marketers: api/graphql/auth.py).
OPTIONAL MATCH (start:CustomerRecord {record_id: $record_id})
OPTIONAL MATCH (start)-[:RESOLVES_TO]->(viaRecord:Customer)
OPTIONAL MATCH (byId:Customer {customer_id: $customer_id})
WITH start, coalesce(viaRecord, byId) AS c
WHERE start IS NOT NULL OR c IS NOT NULL
CALL (start, c) {
  OPTIONAL MATCH (r:CustomerRecord)-[:RESOLVES_TO]->(c)
  WITH start, collect(r) AS linked
  RETURN CASE WHEN size(linked) = 0 THEN [start] ELSE linked END AS found
}
UNWIND found AS r
WITH c, r ORDER BY r.updated_at IS NULL, r.updated_at DESC, r.record_id
WITH c, collect(r) AS recs
CALL (recs) {
  UNWIND CASE WHEN $with_interactions THEN recs ELSE [] END AS r
  MATCH (r)-[:PERFORMED]->(i:Interaction)
  WITH DISTINCT i
  ORDER BY i.occurred_at DESC, i.interaction_id
  LIMIT $limit
  RETURN collect(i {.*, occurred_at: toString(i.occurred_at), performer_deleted: CASE WHEN i.notes IS NULL THEN false ELSE EXISTS { MATCH (p:CustomerRecord)-[:PERFORMED]->(i) WHERE p.deleted_at IS NOT NULL } END, first_seen: null, last_seen: null,
                     last_changed: null}) AS interactions
}
CALL (recs) {
  UNWIND CASE WHEN $with_products THEN recs ELSE [] END AS r
  MATCH (r)-[:PERFORMED]->(o:Order {status: 'paid'})-[l:CONTAINS]->(p:Product)
  WITH p, sum(l.quantity) AS units, sum(l.quantity * l.unit_price) AS spent,
       count(DISTINCT o) AS orders, max(o.occurred_at) AS last_purchased_at
  ORDER BY last_purchased_at DESC, p.sku
  RETURN collect({sku: p.sku, name: p.name, category: p.category, units: units, spent: spent,
                  orders: orders, last_purchased_at: toString(last_purchased_at)}) AS products
}
RETURN CASE WHEN c IS NULL THEN null
            ELSE c {.*, first_seen: toString(c.first_seen), last_seen: toString(c.last_seen)} END
         AS customer,
       [r IN recs | r {.*, created_at: toString(r.created_at), updated_at: toString(r.updated_at), email_refused_elsewhere: r.email IS NOT NULL AND EXISTS { MATCH (r)-[:RESOLVES_TO]->(:Customer)<-[:RESOLVES_TO]-(o:CustomerRecord) WHERE o.consent_email = false }, phone_refused_elsewhere: r.phone IS NOT NULL AND EXISTS { MATCH (r)-[:RESOLVES_TO]->(:Customer)<-[:RESOLVES_TO]-(o:CustomerRecord) WHERE o.consent_sms = false },
                       first_seen: null, last_seen: null, last_changed: null}] AS records,
       head([a IN [r IN recs WHERE $with_account |
                   head([(r)-[:WORKS_AT]->(a:AccountRecord) |
                         a {.*, created_at: toString(a.created_at), updated_at: toString(a.updated_at),
                            first_seen: null, last_seen: null, last_changed: null}])]
              WHERE a IS NOT NULL])
         AS account,
       interactions, products
