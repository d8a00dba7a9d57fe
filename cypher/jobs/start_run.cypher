// Record a job run as running. Params: $run_id, $job, $trigger, $by, $now (datetime).
CREATE (r:JobRun {run_id: $run_id, job: $job, status: 'running', trigger: $trigger, by: $by,
                  started_at: $now, steps: '[]'})
