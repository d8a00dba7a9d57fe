"""Resolution history over GraphQL: what happened to a customer or account, and undoing a split.

Why in the API and not only the CLI: the data steward who sees two people wrongly apart in a
front-end (a reviewer's reject, an unmerge that went too far) must be able to see which event
did it and put them back, as `marketgraph history` / `marketgraph rejoin` do in a shell.
`resolutionHistory` lists an entity's merges, splits and removals (records their source
deleted), newest first, each with who or which model version did it and whether it was undone;
`rejoinSplit` reverses one split through the same `models.resolution.history.rejoin` the CLI
runs (holding the resolution lock, so it never interleaves with a run or an unmerge).
"""

from __future__ import annotations

import asyncio
import enum
from typing import Annotated, Any

import strawberry

from api.graphql.auth import Role
from api.graphql.errors import ID_HINT, Conflict, NotFound, check_id
from api.graphql.pagination import checked_first
from api.graphql.resolution_api import ENTITY_ID, _resolution_lock, _sync_db
from api.graphql.types import Account, Customer, loaded
from graph.cypher_catalog import load_query
from graph.errors import JobBusyError, ResolutionError

Info = strawberry.Info[Any, None]


#: The next page of a newest-first list of events or requests: after the last one listed.
NextAfter = Annotated[
    strawberry.ID | None,
    strawberry.argument(
        description="The id of the last item listed: the next page continues after it."
    ),
]


@strawberry.enum(description="What a resolution event did.")
class ResolutionEventKind(enum.Enum):
    MERGE = "merge"
    SPLIT = "split"
    REMOVE = "remove"


@strawberry.type(description="One merge, split or removal in a unified entity's history.")
class ResolutionEvent:
    event_id: strawberry.ID
    kind: ResolutionEventKind
    entity_type: str = strawberry.field(description="customer or account.")
    entity_id: strawberry.ID = strawberry.field(
        description="The entity kept or created (a merge's survivor, a split's new part, the "
        "entity a removal shrank)."
    )
    other_ids: list[strawberry.ID] = strawberry.field(
        description="Entities merged into it, or the one it was split from."
    )
    record_ids: list[strawberry.ID] = strawberry.field(description="The records that moved.")
    previous_ids: list[str] = strawberry.field(
        description="Each moved record's entity before the event ('' when it had none)."
    )
    count: int
    at: str | None
    by: str | None = strawberry.field(
        description="Who ran it (a person, a job, or api:<role>:<key fingerprint>)."
    )
    model_version: str | None = strawberry.field(
        description="The model version that decided it, or what did: unmerge, rejoin, "
        "source deletion."
    )
    reverses: strawberry.ID | None = strawberry.field(description="The event this one undid.")
    undone_at: str | None
    undone_by: str | None


def _event_from(row: dict[str, Any]) -> ResolutionEvent:
    return ResolutionEvent(
        event_id=row["event_id"],
        kind=ResolutionEventKind(row["kind"]),
        entity_type=str(row["entity_type"]),
        entity_id=row["entity_id"],
        other_ids=list(row["other_ids"] or []),
        record_ids=list(row["record_ids"] or []),
        previous_ids=[str(p) for p in row["previous_ids"] or []],
        count=int(row["count"] or 0),
        at=row["at"],
        by=row["by"],
        model_version=row["model_version"],
        reverses=row["reverses"],
        undone_at=row["undone_at"],
        undone_by=row["undone_by"],
    )


@strawberry.type(description="Records a rejoin put back into an entity.")
class RestoredEntity:
    entity_id: strawberry.ID
    record_ids: list[strawberry.ID]


@strawberry.type(description="What a rejoin reversed and where the records went back to.")
class RejoinOutcome:
    reversed_event_id: strawberry.ID = strawberry.field(
        description="The split (:ResolutionEvent) that is now marked undone."
    )
    entity_type: str
    restored: list[RestoredEntity]
    retired_ids: list[strawberry.ID] = strawberry.field(
        description="Entities the split had created, retired now that they hold no record."
    )

    @strawberry.field(description="The entities the records went back to (customer splits).")
    async def customers(self, info: Info) -> list[Customer]:
        if self.entity_type != "customer":
            return []
        return await loaded(info, "customer", Customer, [str(r.entity_id) for r in self.restored])

    @strawberry.field(description="The entities the records went back to (account splits).")
    async def accounts(self, info: Info) -> list[Account]:
        if self.entity_type != "account":
            return []
        return await loaded(info, "account", Account, [str(r.entity_id) for r in self.restored])


@strawberry.type
class HistoryQuery:
    @strawberry.field(
        description="The merges, splits and removals a customer or account took part in, "
        "newest first (analyst): the event ids `unmergeCustomer` and `rejoinSplit` take."
    )
    async def resolution_history(
        self, info: Info, entity_id: strawberry.ID, first: int = 20, after: NextAfter = None
    ) -> list[ResolutionEvent]:
        info.context.require(Role.ANALYST)
        eid = check_id("entityId", entity_id, ENTITY_ID, ID_HINT)
        last = None if after is None else check_id("after", after, ENTITY_ID, ID_HINT)
        checked_first(first, info.context.settings.api_max_page_size)  # what the cost rule counts
        rows = await info.context.db.read(
            load_query("resolution/read_events"),
            {"entity_id": eid, "after": last, "limit": first},
        )
        return [_event_from(row) for row in rows]


@strawberry.type
class HistoryMutation:
    @strawberry.mutation(
        description="Reverse a split (admin): its records go back to the entities they had "
        "before it and stay there in later runs (the rejects that split them become accepts). "
        "Undoing an unmerge's split puts its merge back in force."
    )
    async def rejoin_split(self, info: Info, event_id: strawberry.ID) -> RejoinOutcome:
        info.context.require(Role.ADMIN)
        eid = check_id("eventId", event_id, ENTITY_ID, ID_HINT)
        found = await info.context.db.read(load_query("resolution/read_event"), {"event_id": eid})
        if not found or found[0]["kind"] != "split":
            raise NotFound(f"No split {eid}; `resolutionHistory` lists an entity's events.")
        from models.resolution.history import rejoin

        db, settings = _sync_db(info), info.context.settings

        def work() -> Any:
            with _resolution_lock:
                return rejoin(db, settings, eid, by=info.context.actor)

        try:
            result = await asyncio.to_thread(work)
        except ResolutionError as exc:  # already reversed, or its records deleted since
            now = await info.context.db.read(load_query("resolution/read_event"),
                                             {"event_id": eid})  # fmt: skip
            undone = bool(now and now[0]["undone_at"])
            raise Conflict(
                str(exc), reason="ALREADY_UNDONE" if undone else "RECORDS_LEFT"
            ) from None
        except JobBusyError as exc:  # a resolution run (CLI, scheduler) is writing right now
            raise Conflict(str(exc), reason="RESOLUTION_RUNNING") from exc
        return RejoinOutcome(
            reversed_event_id=result.event_id,
            entity_type=str(found[0]["entity_type"]),
            restored=[
                RestoredEntity(entity_id=entity, record_ids=list(records))
                for entity, records in sorted(result.restored.items())
            ],
            retired_ids=list(result.retired),
        )
