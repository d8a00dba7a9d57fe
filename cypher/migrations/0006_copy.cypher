// Migration 0006: GraphRAG copy (issue #5) — one node per draft id, and the lookups the
// review queue and exports ask for (drafts by status, a customer's drafts).
CREATE CONSTRAINT copy_draft_id IF NOT EXISTS FOR (n:CopyDraft) REQUIRE n.draft_id IS UNIQUE;
CREATE INDEX copy_draft_status IF NOT EXISTS FOR (n:CopyDraft) ON (n.status, n.created_at);
CREATE INDEX copy_draft_customer IF NOT EXISTS FOR (n:CopyDraft) ON (n.customer_id);
