// Migration 0005: the model registry and the scores models write back.
// (:ModelVersion {version}) is one trained model (cross_sell or propensity) with its metrics,
// data snapshot and artifact; (:Customer)-[:RECOMMENDED {model_version}]->(:Product) and
// (:Customer|Account)-[:SCORED_BY]->(:ModelVersion) carry its scores. The relationship index
// lets a rollback or a prune find one version's scores without scanning all of them.
CREATE CONSTRAINT model_version_id IF NOT EXISTS FOR (m:ModelVersion) REQUIRE m.version IS UNIQUE;
CREATE INDEX model_version_task IF NOT EXISTS FOR (m:ModelVersion) ON (m.task, m.serving);
CREATE INDEX recommended_model_version IF NOT EXISTS FOR ()-[r:RECOMMENDED]-() ON (r.model_version);
