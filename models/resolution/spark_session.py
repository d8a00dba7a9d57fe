"""The Spark session for Splink's Spark backend (``MARKETGRAPH_RESOLUTION_BACKEND=spark``).

Why a module of its own: pyspark is an optional extra (``marketgraph[spark]``) and a JVM start
costs seconds, so it is imported only when Spark is chosen and started once per process.
"""

from __future__ import annotations

from typing import Any

from graph.settings import get_settings

#: Local Spark for one small machine. Splink runs a few hundred small queries per training
#: (EM iterations, u chunks), so per-query overhead, not data, sets the time: Spark's default
#: 200 shuffle partitions made training 720 records take 6 min; one partition per core and no
#: adaptive re-planning took it to ~3 min on a loaded 2-core box (DuckDB: 3 s). No UI, no
#: console progress bars, bound to loopback (nothing listens on the network).
_SPARK_CONF = {
    "spark.sql.shuffle.partitions": "2",
    "spark.sql.adaptive.enabled": "false",
    "spark.default.parallelism": "2",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
}


def session() -> Any:
    """The process's Spark session: a session the caller started (a cluster) is used as it is;
    otherwise one local session on two cores, started once and reused by every later run.

    Its scratch files (shuffle spills, persisted blocks, warehouse, checkpoints) go to one temp
    dir removed at exit, never into the working directory. Driver memory is
    ``Settings.spark_driver_memory`` (MARKETGRAPH_SPARK_DRIVER_MEMORY, default 4g), read only
    when the JVM starts.
    """
    import atexit
    import os
    import shutil
    import tempfile
    import warnings

    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    # pyspark 4 warns on every pandas conversion that pandas 3 is "not fully supported"; the
    # columns Splink hands it are plain strings and numbers, which convert correctly.
    warnings.filterwarnings("ignore", "PySpark does not yet fully support pandas", FutureWarning)
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    scratch = tempfile.mkdtemp(prefix="marketgraph-spark-")
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # else it warns about the hostname
    builder = (
        SparkSession.builder.master("local[2]")
        .appName("marketgraph-resolution")
        .config("spark.jars", similarity_jar_location())
        .config("spark.driver.memory", get_settings().spark_driver_memory)
        .config("spark.local.dir", scratch)
        .config("spark.sql.warehouse.dir", os.path.join(scratch, "warehouse"))
    )
    for key, value in _SPARK_CONF.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    spark.sparkContext.setCheckpointDir(os.path.join(scratch, "checkpoints"))

    def stop() -> None:
        spark.stop()
        shutil.rmtree(scratch, ignore_errors=True)

    atexit.register(stop)
    return spark
