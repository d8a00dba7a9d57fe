"""The GraphQL API (issue #6): `api.graphql.app.create_app(settings)` builds the FastAPI app.

Kept import-free so `python -m api.graphql.schema` (the SDL export) runs cleanly.
"""
