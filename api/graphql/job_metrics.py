"""Refresh-job health on `/metrics`, read from the (:JobRun) history at scrape time.

Why read from Neo4j instead of counting in this process: runs also start from the CLI, from
another server or from `jobs schedule`; the graph has all of them. An alert such as
`time() - marketgraph_job_last_success_timestamp_seconds{job="refresh"} > 7200` then works
wherever the job ran. A scrape costs one small query; if Neo4j is down the job metrics are
left out (the request metrics still answer).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from graph.cypher_catalog import load_query

log = logging.getLogger(__name__)


class JobStatusCollector(Collector):
    """Gauges per job: when it last ran (and how), when it last succeeded, whether it runs."""

    def __init__(self, database: Callable[[], Any]) -> None:
        self._database = database  # the app's sync Database, once the lifespan opened it

    def collect(self) -> Iterator[GaugeMetricFamily]:
        db = self._database()
        if db is None:
            return
        try:
            rows = db.query(load_query("jobs/latest_runs"))
        except Exception:  # metrics must not fail because the graph is unreachable
            log.warning("job metrics skipped: Neo4j did not answer", exc_info=True)
            return
        last = GaugeMetricFamily(
            "marketgraph_job_last_run_timestamp_seconds",
            "Start time of each job's newest run, labelled with its status.",
            labels=["job", "status"],
        )
        success = GaugeMetricFamily(
            "marketgraph_job_last_success_timestamp_seconds",
            "Finish time of each job's newest successful run.",
            labels=["job"],
        )
        running = GaugeMetricFamily(
            "marketgraph_job_running", "1 while a run of the job is in progress.", labels=["job"]
        )
        problems = GaugeMetricFamily(
            "marketgraph_job_last_run_problem_files",
            "Inbox files the newest run could not use (refused as a whole, no export name, a "
            "folder): someone must fix them.",
            labels=["job"],
        )
        for row in rows:
            last.add_metric([row["job"], row["last_status"]], float(row["last_started"]))
            if row["last_success"] is not None:
                success.add_metric([row["job"]], float(row["last_success"]))
            running.add_metric([row["job"]], float(row["running"]))
            steps = json.loads(row["last_steps"] or "[]")
            count = sum(int(s.get("counts", {}).get("problem_files", 0)) for s in steps)
            problems.add_metric([row["job"]], float(count))
        yield from (last, success, running, problems)
