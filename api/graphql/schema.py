"""The strawberry schema with its safety extensions, and the SDL export.

Why factories in `extensions`: strawberry builds extension instances per request from
callables; a shared instance would share state between concurrent requests.
Why parse and validation are cached: clients send the same few documents over and over, and
graphql-core's validation of a customer-360 document costs several ms of CPU per request (more
than the HTTP layer). The caches are bounded LRUs keyed by the query text (parse, with the token
limit) and by document + rule classes (validation), so the depth and alias limit rules are built
once per schema: a fresh rule class per request would never hit the cache. Limits still apply:
a document is validated with the same rules before its result is cached.
`python -m api.graphql.schema` rewrites `api/graphql/schema.graphql`, the reviewed contract that
a test compares with the code.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import strawberry
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.tools import merge_types

from api.graphql.copy_api import CopyMutation, CopyQuery
from api.graphql.cost import query_cost_rule
from api.graphql.errors import SafeErrors
from api.graphql.history_api import HistoryMutation, HistoryQuery
from api.graphql.jobs_api import JobsMutation, JobsQuery
from api.graphql.metrics import MetricsExtension
from api.graphql.mutation import Mutation
from api.graphql.privacy_api import PrivacyMutation, PrivacyQuery
from api.graphql.query import Query
from api.graphql.resolution_api import ResolutionMutation, ResolutionQuery
from graph.settings import Settings

SDL_PATH = Path(__file__).with_name("schema.graphql")
#: Distinct documents kept parsed and validated (an LRU, so unique texts cannot grow memory).
DOCUMENT_CACHE_SIZE = 256

#: Each capability keeps its root fields in its own module; the schema serves their union.
QUERY_TYPES: tuple[type, ...] = (
    Query,
    JobsQuery,
    ResolutionQuery,
    HistoryQuery,
    CopyQuery,
    PrivacyQuery,
)
MUTATION_TYPES: tuple[type, ...] = (
    Mutation,
    JobsMutation,
    ResolutionMutation,
    HistoryMutation,
    CopyMutation,
    PrivacyMutation,
)


def build_schema(settings: Settings) -> strawberry.Schema:
    """The API schema with depth, token, alias and cost limits from settings and masked errors."""
    # The limiters' rule classes, created once (see the module docstring).
    rules = [
        *QueryDepthLimiter(max_depth=settings.api_max_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.api_max_aliases).validation_rules,
        query_cost_rule(settings.api_max_cost, settings.api_max_page_size),
    ]
    return strawberry.Schema(
        query=merge_types("Query", QUERY_TYPES),
        mutation=merge_types("Mutation", MUTATION_TYPES),
        extensions=[
            SafeErrors,
            functools.partial(AddValidationRules, rules),
            functools.partial(MaxTokensLimiter, max_token_count=settings.api_max_tokens),
            functools.partial(ParserCache, maxsize=DOCUMENT_CACHE_SIZE),
            functools.partial(ValidationCache, maxsize=DOCUMENT_CACHE_SIZE),
            MetricsExtension,
        ],
    )


def schema_sdl() -> str:
    """The schema in SDL; limits are runtime settings, so the SDL does not depend on them."""
    return build_schema(Settings()).as_str() + "\n"


def main() -> None:
    """Write the SDL file (or, with --check, exit 1 when it is out of date)."""
    text = schema_sdl()
    if "--check" in sys.argv[1:]:
        current = SDL_PATH.read_text(encoding="utf-8") if SDL_PATH.exists() else ""
        raise SystemExit(0 if current == text else 1)
    SDL_PATH.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
