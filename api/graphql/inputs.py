"""Filter inputs, sort enums and their validation.

Why pydantic behind the strawberry inputs: GraphQL checks types, but not that a date range is
ordered, a search is not empty or 10 kB long, or a code looks like a code. Each input is
checked by one pydantic model and a failure becomes a BAD_USER_INPUT error listing every field.
Sort enums' values are the literal tokens the fixed `ORDER BY CASE $sort ...` branches test.
"""

from __future__ import annotations

import enum
import re
from datetime import UTC, datetime
from typing import Annotated, Any

import strawberry
from pydantic import BaseModel, Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from api.graphql.errors import InvalidInput

Code = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[\w.:@\- ]+$")]
Search = Annotated[str, Field(min_length=1, max_length=200)]


class _Filter(BaseModel):
    """Shared checks: ordered date ranges, aware datetimes."""

    model_config = {"extra": "forbid"}

    @model_validator(mode="after")
    def _ordered_range(self) -> _Filter:
        for start, end in (("created_from", "created_to"), ("occurred_from", "occurred_to")):
            low, high = getattr(self, start, None), getattr(self, end, None)
            if low is not None and high is not None and low >= high:
                raise PydanticCustomError("range", f"must be after {_camel(start)}", {"field": end})
        return self


class CustomerRecordFilterModel(_Filter):
    source_system: Code | None = None
    country: Code | None = None
    search: Search | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None


class AccountRecordFilterModel(_Filter):
    source_system: Code | None = None
    industry: Code | None = None
    country: Code | None = None


class InteractionFilterModel(_Filter):
    kind: Code | None = None
    channel: Code | None = None
    source_system: Code | None = None
    occurred_from: datetime | None = None
    occurred_to: datetime | None = None


class ProductFilterModel(_Filter):
    category: Code | None = None
    subcategory: Code | None = None
    name_contains: Search | None = None


class CampaignFilterModel(_Filter):
    channel: Code | None = None
    objective: Code | None = None


class ContentFilterModel(_Filter):
    content_type: Code | None = None
    campaign_id: Code | None = None


class QuarantineFilterModel(_Filter):
    source_type: Code | None = None
    run_id: Code | None = None


class StatusFilterModel(_Filter):
    status: Code | None = None


def validated(model: type[BaseModel], data: object | None, arg: str = "") -> dict[str, Any]:
    """Validate a strawberry input (or None) with `model`; returns Cypher parameters.

    `arg` names the input argument (`filter`); "" when the model's fields are the field's own
    arguments. Errors name what the client wrote (`filter.createdTo`, `occurredTo`): a range
    given the wrong way round is an error on its end. Naive datetimes are taken as UTC so
    comparisons with stored UTC datetimes are exact.
    """
    raw = {} if data is None else {k: v for k, v in vars(data).items() if v is not None}
    try:
        params = model.model_validate(raw).model_dump()
    except ValidationError as exc:
        fields = []
        for err in exc.errors():
            loc = [str(p) for p in err["loc"]] or [str((err.get("ctx") or {}).get("field", ""))]
            path = [arg, *(_camel(p) for p in loc if p)]
            fields.append({"field": ".".join(p for p in path if p), "message": err["msg"]})
        names = ", ".join(f"`{f['field']}`" for f in fields)
        raise InvalidInput(f"Invalid {names}.", fields=fields) from None
    for key, value in params.items():
        if isinstance(value, datetime) and value.tzinfo is None:
            params[key] = value.replace(tzinfo=UTC)
    return params


def _camel(name: str) -> str:
    """A Python field name as the GraphQL schema spells it (`created_to` → `createdTo`)."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


_LUCENE_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/])')


def lucene_terms(text: str) -> str:
    """A user's search text as a safe Lucene query: every term escaped, all terms required.

    Why: `entity_names` takes Lucene syntax; unescaped input would let a client run wildcard or
    fuzzy scans, or fail with a parse error. Boolean words are lower-cased (not operators).
    Each whitespace-separated term is a quoted phrase: the index's analyzer splits an e-mail
    address or a hyphenated name into several tokens, which Lucene would otherwise OR together
    (an address then found everyone at its domain); as a phrase they must all match, in order
    (so `smith@x.com` still finds `john-smith@x.com`, whose tokens include it).
    """
    return " AND ".join(_escaped_terms(text))


#: The `entity_names` fields that hold a person record's names (not its e-mail address).
NAME_FIELDS = ("full_name", "first_name", "last_name", "company_name")


def lucene_name_terms(text: str) -> str:
    """`lucene_terms` over the name fields only: every term must appear in one of them.

    Why: a caller who sees a record's e-mail masked (it refused e-mail) must not find the
    record by that address either — a hit would confirm whose address it is."""
    return " AND ".join(
        "(" + " OR ".join(f"{field}:{term}" for field in NAME_FIELDS) + ")"
        for term in _escaped_terms(text)
    )


def _escaped_terms(text: str) -> list[str]:
    terms = [_LUCENE_SPECIAL.sub(r"\\\1", t) for t in text.split()]
    terms = [f'"{t.lower() if t in {"AND", "OR", "NOT", "TO"} else t}"' for t in terms]
    if not terms:
        raise InvalidInput(
            "Invalid `filter`.", fields=[{"field": "filter.search", "message": "empty search"}]
        )
    return terms


@strawberry.input
class CustomerRecordFilter:
    source_system: str | None = None
    country: str | None = None
    search: str | None = strawberry.field(
        default=None,
        description="Full-text search over names, emails and company names (marketer role "
        "or higher: viewers see these fields masked).",
    )
    created_from: datetime | None = None
    created_to: datetime | None = None


@strawberry.input
class AccountRecordFilter:
    source_system: str | None = None
    industry: str | None = None
    country: str | None = None


@strawberry.input
class InteractionFilter:
    kind: str | None = strawberry.field(
        default=None, description="web_visit, form_fill, email_send, email_open, ... purchase"
    )
    channel: str | None = None
    source_system: str | None = None
    occurred_from: datetime | None = None
    occurred_to: datetime | None = None


@strawberry.input
class ProductFilter:
    category: str | None = None
    subcategory: str | None = None
    name_contains: str | None = None


@strawberry.input
class CampaignFilter:
    channel: str | None = None
    objective: str | None = None


@strawberry.input
class ContentFilter:
    content_type: str | None = None
    campaign_id: str | None = None


@strawberry.input
class QuarantineFilter:
    source_type: str | None = None
    run_id: str | None = None


@strawberry.enum(
    description="Order of person records; NAME_* needs the marketer role or higher (a "
    "name sort's cursors carry the name, which viewers see masked)."
)
class CustomerRecordSort(enum.Enum):
    RELEVANCE = "RELEVANCE"
    NAME_ASC = "NAME_ASC"
    NAME_DESC = "NAME_DESC"
    CREATED_ASC = "CREATED_ASC"
    CREATED_DESC = "CREATED_DESC"
    RECORD_ID_ASC = "RECORD_ID_ASC"


@strawberry.enum
class AccountRecordSort(enum.Enum):
    NAME_ASC = "NAME_ASC"
    NAME_DESC = "NAME_DESC"
    EMPLOYEES_DESC = "EMPLOYEES_DESC"
    RECORD_ID_ASC = "RECORD_ID_ASC"


@strawberry.enum(
    description="Order of unified customers (ties by customer id). NAME_ASC (the first name "
    "its records give, alphabetically) needs the marketer role or higher: viewers see names "
    "masked and a name sort's cursors carry the name. FIRST_SEEN: when resolution created "
    "it; LAST_SEEN: when a run last confirmed or changed it; RECORDS_DESC: most source "
    "records first. A missing key sorts after every value ascending, before them descending."
)
class CustomerSort(enum.Enum):
    CUSTOMER_ID_ASC = "CUSTOMER_ID_ASC"
    NAME_ASC = "NAME_ASC"
    FIRST_SEEN_ASC = "FIRST_SEEN_ASC"
    FIRST_SEEN_DESC = "FIRST_SEEN_DESC"
    LAST_SEEN_DESC = "LAST_SEEN_DESC"
    RECORDS_DESC = "RECORDS_DESC"


@strawberry.enum(
    description="Order of unified accounts (ties by account id). NAME_ASC: the first company "
    "name its records give, alphabetically; the others as for customers."
)
class AccountSort(enum.Enum):
    ACCOUNT_ID_ASC = "ACCOUNT_ID_ASC"
    NAME_ASC = "NAME_ASC"
    FIRST_SEEN_ASC = "FIRST_SEEN_ASC"
    FIRST_SEEN_DESC = "FIRST_SEEN_DESC"
    LAST_SEEN_DESC = "LAST_SEEN_DESC"
    RECORDS_DESC = "RECORDS_DESC"


@strawberry.enum
class InteractionSort(enum.Enum):
    OCCURRED_DESC = "OCCURRED_DESC"
    OCCURRED_ASC = "OCCURRED_ASC"
    TOTAL_DESC = "TOTAL_DESC"


@strawberry.enum
class ProductSort(enum.Enum):
    NAME_ASC = "NAME_ASC"
    PRICE_ASC = "PRICE_ASC"
    PRICE_DESC = "PRICE_DESC"


@strawberry.enum
class CampaignSort(enum.Enum):
    START_DESC = "START_DESC"
    SPEND_DESC = "SPEND_DESC"
    NAME_ASC = "NAME_ASC"


@strawberry.enum
class ContentSort(enum.Enum):
    PUBLISHED_DESC = "PUBLISHED_DESC"
    TITLE_ASC = "TITLE_ASC"


@strawberry.enum
class InteractionGroupBy(enum.Enum):
    KIND = "KIND"
    CHANNEL = "CHANNEL"
    MONTH = "MONTH"


@strawberry.enum
class CategoryLevel(enum.Enum):
    TOP = 1
    SUB = 2
