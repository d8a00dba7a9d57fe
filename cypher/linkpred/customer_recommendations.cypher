// A customer's recommendations and propensity from the serving models (or from $version when
// given), with reasons and facts — what `marketgraph recommend` and the copy writer read;
// products discontinued since are left out.
// Params: $customer_id, $version: string or null.
// Returns: sku, name, category, price, rank, score, confidence, confidence_note, reasons, facts,
//   model_version.
MATCH (c:Customer {customer_id: $customer_id})
MATCH (m:ModelVersion {task: 'cross_sell'})
WHERE ($version IS NULL AND m.serving) OR m.version = $version
MATCH (c)-[r:RECOMMENDED {model_version: m.version}]->(p:Product)
// a product discontinued since the scoring run is no longer offered (the scores stay as
// written: the next run ranks without it)
WHERE NOT coalesce(p.discontinued, false)
RETURN p.sku AS sku, p.name AS name, p.category AS category, p.price AS price, r.rank AS rank,
       r.score AS score, r.confidence AS confidence, r.confidence_note AS confidence_note,
       r.reasons AS reasons, r.facts AS facts, r.model_version AS model_version
ORDER BY rank
