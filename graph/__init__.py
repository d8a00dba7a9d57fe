"""The system of record: settings, the Neo4j server and driver, migrations and repositories.

Everything downstream (ingestion, models, api) reaches Neo4j only through this package.
"""
