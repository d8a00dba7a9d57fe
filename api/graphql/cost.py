"""A query cost limit: roughly how many objects a document can make the server fetch.

Why beside the depth, alias and token limits: none of them bounds fan-out. A document of
depth 5 can ask for 100 records, 100 interactions of each, their performers and 100
interactions of each of those — a million objects from a 200-character query. Cost counts
every selected field once, times the page size (`first`, `last`, `limit`) of each list above
it, before anything runs. A page size passed as a variable is not known at validation (the
result is cached per document), so it counts as the largest page the server allows. A list
without a page argument (a customer's `records`, a draft's `citations`) counts as
UNPAGED_LIST_SIZE items, an estimate: most hold what one object has (a person's few records),
a few more (`categories`: 42 in the demo; a customer's `productsOwned`), but counting any as
one let the pages nested under it multiply unseen.
"""

from __future__ import annotations

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLList,
    GraphQLNamedType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
    VariableNode,
    get_named_type,
    get_nullable_type,
)

from api.graphql.pagination import DEFAULT_PAGE_SIZE

#: Arguments that size the list a field returns.
PAGE_ARGUMENTS = ("first", "last", "limit")
#: Arguments that size one list *inside* the object a field returns: customer360's
#: `interactions` is how many `recentInteractions` it holds, not how many 360s.
CHILD_PAGE_ARGUMENTS = {"interactions": "recentInteractions"}
#: Items a list field without a page argument counts as (an estimate): a unified customer of
#: the demo has 1-5 records, a draft a handful of citations.
UNPAGED_LIST_SIZE = 10


def query_cost_rule(max_cost: int, largest_page: int) -> type[ValidationRule]:
    """A validation rule class refusing operations that cost more than ``max_cost``."""

    class QueryCostLimit(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: object) -> None:
            root = self.context.schema.get_root_type(node.operation)
            if root is None:
                return
            cost = self._cost(root, node.selection_set, frozenset())
            if cost > max_cost:
                self.report_error(
                    GraphQLError(
                        f"The query may fetch about {cost:,} objects; the limit is {max_cost:,}. "
                        "Ask for smaller pages (first/last/limit) or fewer nested lists.",
                        node,
                        extensions={"code": "QUERY_TOO_COSTLY", "cost": cost, "maxCost": max_cost},
                    )
                )

        def _cost(
            self, parent: GraphQLNamedType | None, selections: SelectionSetNode | None,
            fragments_seen: frozenset[str], child_pages: dict[str, int] | None = None,
        ) -> int:  # fmt: skip
            if parent is None or selections is None:
                return 0
            schema, total = self.context.schema, 0
            for selection in selections.selections:
                if isinstance(selection, FieldNode):
                    field = getattr(parent, "fields", {}).get(selection.name.value)
                    if field is None:  # __typename, or an unknown field other rules report
                        total += 1
                        continue
                    inner = self._cost(
                        get_named_type(field.type),
                        selection.selection_set,
                        fragments_seen,
                        _child_pages(field, selection, largest_page),
                    )
                    size = (child_pages or {}).get(selection.name.value)
                    size = size or _page_size(field, selection, largest_page, parent.name)
                    total += 1 + size * inner
                elif isinstance(selection, InlineFragmentNode):
                    condition = selection.type_condition
                    typed = schema.get_type(condition.name.value) if condition else parent
                    total += self._cost(typed, selection.selection_set, fragments_seen, child_pages)
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    fragment = self.context.get_fragment(name)
                    if fragment is None or name in fragments_seen:  # cycles: other rules
                        continue
                    typed = schema.get_type(fragment.type_condition.name.value)
                    total += self._cost(
                        typed, fragment.selection_set, fragments_seen | {name}, child_pages
                    )
            return total

    return QueryCostLimit


def _page_size(field: GraphQLField, node: FieldNode, largest_page: int, parent: str) -> int:
    """How many items the field's page argument asks for (its default if not given), at most
    the largest page the server serves. A connection's `first` and `last` both default to
    null (only one may be given); with neither, it serves its default page. A connection's
    own `edges` / `nodes` are its page (counted on the connection field); any other list
    without a page argument counts as UNPAGED_LIST_SIZE."""
    for name in PAGE_ARGUMENTS:
        size = _argument_size(field, node, name, largest_page)
        if size is not None:
            return size
    if "first" in field.args and "last" in field.args:
        return DEFAULT_PAGE_SIZE
    if isinstance(get_nullable_type(field.type), GraphQLList) and not parent.endswith("Connection"):
        return UNPAGED_LIST_SIZE
    return 1


def _child_pages(field: GraphQLField, node: FieldNode, largest_page: int) -> dict[str, int]:
    """The page sizes the field's arguments set for lists inside its object (see
    CHILD_PAGE_ARGUMENTS)."""
    pages = {}
    for argument, child in CHILD_PAGE_ARGUMENTS.items():
        size = _argument_size(field, node, argument, largest_page)
        if size is not None:
            pages[child] = size
    return pages


def _argument_size(
    field: GraphQLField, node: FieldNode, name: str, largest_page: int
) -> int | None:
    """Argument `name` as a page size: as given (a variable counts as the largest page), else
    its default; None when the field has no such argument or it defaults to null."""
    given = {argument.name.value: argument.value for argument in node.arguments or ()}
    value = given.get(name)
    if isinstance(value, IntValueNode):  # above the largest page: a field error later
        return min(max(int(value.value), 1), largest_page)
    if isinstance(value, VariableNode):
        return largest_page
    definition = field.args.get(name)
    if definition is not None and isinstance(definition.default_value, int):
        return max(definition.default_value, 1)
    return None
