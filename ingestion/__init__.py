"""Getting source-system exports into the graph: demo data, data contracts, quarantine, loading."""

import warnings

# pandera imports pyspark whenever it is installed (the optional `spark` extra for Splink's
# Spark backend), and pyspark 4 warns on import that pandas 3 is "not fully supported". The
# contracts here validate pandas frames only, so the warning says nothing about this code.
warnings.filterwarnings("ignore", "PySpark does not yet fully support pandas", FutureWarning)
