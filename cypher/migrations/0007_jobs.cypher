// Migration 0007: refresh jobs (APScheduler) — one node per job run, one lock node per job
// name so two processes (a scheduler inside `serve` and a `jobs run` from a shell) never run
// the same job at once.
CREATE CONSTRAINT job_run_id IF NOT EXISTS FOR (n:JobRun) REQUIRE n.run_id IS UNIQUE;
CREATE CONSTRAINT job_lock_name IF NOT EXISTS FOR (n:JobLock) REQUIRE n.name IS UNIQUE;
CREATE INDEX job_run_started IF NOT EXISTS FOR (n:JobRun) ON (n.job, n.started_at);
