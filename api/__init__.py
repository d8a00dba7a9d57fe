"""How people and programs use marketgraph: the `marketgraph` CLI (and later the GraphQL API)."""
