// Migration 0002: lookup indexes for the questions analysts and the models ask most:
// records by email/phone/name (entity resolution blocking), records by source, interactions by
// kind and time (temporal splits, recency), products by category, campaigns by channel.
CREATE INDEX customer_record_email IF NOT EXISTS FOR (n:CustomerRecord) ON (n.email);
CREATE INDEX customer_record_phone IF NOT EXISTS FOR (n:CustomerRecord) ON (n.phone);
CREATE INDEX customer_record_last_name IF NOT EXISTS FOR (n:CustomerRecord) ON (n.last_name);
CREATE INDEX customer_record_source IF NOT EXISTS FOR (n:CustomerRecord) ON (n.source_system, n.source_id);
CREATE INDEX account_record_domain IF NOT EXISTS FOR (n:AccountRecord) ON (n.domain);
CREATE INDEX account_record_source IF NOT EXISTS FOR (n:AccountRecord) ON (n.source_system, n.source_id);
CREATE INDEX interaction_kind_time IF NOT EXISTS FOR (n:Interaction) ON (n.kind, n.occurred_at);
CREATE INDEX interaction_time IF NOT EXISTS FOR (n:Interaction) ON (n.occurred_at);
CREATE INDEX product_category IF NOT EXISTS FOR (n:Product) ON (n.category);
CREATE INDEX campaign_channel IF NOT EXISTS FOR (n:Campaign) ON (n.channel);
CREATE INDEX content_type IF NOT EXISTS FOR (n:Content) ON (n.content_type);
CREATE INDEX ingest_run_started IF NOT EXISTS FOR (n:IngestRun) ON (n.started_at);
CREATE INDEX quarantined_row_source IF NOT EXISTS FOR (n:QuarantinedRow) ON (n.source_type);
