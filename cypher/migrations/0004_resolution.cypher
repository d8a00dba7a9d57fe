// Migration 0004: entity resolution — unique ids for runs, review items and history events,
// and lookups for the questions resolution asks (open reviews, an entity's history).
CREATE CONSTRAINT resolution_run_id IF NOT EXISTS FOR (n:ResolutionRun) REQUIRE n.run_id IS UNIQUE;
CREATE CONSTRAINT match_review_id IF NOT EXISTS FOR (n:MatchReview) REQUIRE n.review_id IS UNIQUE;
CREATE CONSTRAINT resolution_event_id IF NOT EXISTS FOR (n:ResolutionEvent) REQUIRE n.event_id IS UNIQUE;
CREATE INDEX match_review_status IF NOT EXISTS FOR (n:MatchReview) ON (n.status, n.kind);
CREATE INDEX resolution_event_entity IF NOT EXISTS FOR (n:ResolutionEvent) ON (n.entity_id, n.kind);
CREATE INDEX customer_status IF NOT EXISTS FOR (n:Customer) ON (n.status);
CREATE INDEX account_status IF NOT EXISTS FOR (n:Account) ON (n.status);
