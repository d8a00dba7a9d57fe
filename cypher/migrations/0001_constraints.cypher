// Migration 0001: uniqueness constraints — one node per business key.
// Every MERGE in cypher/ingest relies on these (they are also the lookup indexes for MERGE).
// Source records keep what each system exported; Customer/Account are the unified entities
// that entity resolution creates and links with (:CustomerRecord)-[:RESOLVES_TO]->(:Customer).
CREATE CONSTRAINT customer_record_id IF NOT EXISTS FOR (n:CustomerRecord) REQUIRE n.record_id IS UNIQUE;
CREATE CONSTRAINT account_record_id IF NOT EXISTS FOR (n:AccountRecord) REQUIRE n.record_id IS UNIQUE;
CREATE CONSTRAINT customer_id IF NOT EXISTS FOR (n:Customer) REQUIRE n.customer_id IS UNIQUE;
CREATE CONSTRAINT account_id IF NOT EXISTS FOR (n:Account) REQUIRE n.account_id IS UNIQUE;
CREATE CONSTRAINT interaction_id IF NOT EXISTS FOR (n:Interaction) REQUIRE n.interaction_id IS UNIQUE;
CREATE CONSTRAINT product_sku IF NOT EXISTS FOR (n:Product) REQUIRE n.sku IS UNIQUE;
CREATE CONSTRAINT category_id IF NOT EXISTS FOR (n:Category) REQUIRE n.category_id IS UNIQUE;
CREATE CONSTRAINT industry_name IF NOT EXISTS FOR (n:Industry) REQUIRE n.name IS UNIQUE;
CREATE CONSTRAINT content_id IF NOT EXISTS FOR (n:Content) REQUIRE n.content_id IS UNIQUE;
CREATE CONSTRAINT campaign_id IF NOT EXISTS FOR (n:Campaign) REQUIRE n.campaign_id IS UNIQUE;
CREATE CONSTRAINT channel_name IF NOT EXISTS FOR (n:Channel) REQUIRE n.name IS UNIQUE;
CREATE CONSTRAINT source_system_name IF NOT EXISTS FOR (n:SourceSystem) REQUIRE n.name IS UNIQUE;
CREATE CONSTRAINT source_file_sha IF NOT EXISTS FOR (n:SourceFile) REQUIRE n.sha256 IS UNIQUE;
CREATE CONSTRAINT ingest_run_id IF NOT EXISTS FOR (n:IngestRun) REQUIRE n.run_id IS UNIQUE;
CREATE CONSTRAINT quarantined_row_id IF NOT EXISTS FOR (n:QuarantinedRow) REQUIRE n.row_id IS UNIQUE;
CREATE CONSTRAINT migration_version IF NOT EXISTS FOR (n:Migration) REQUIRE n.version IS UNIQUE;
