"""What the match models compare and which pairs they look at: Splink settings per kind.

Why a hand-built name comparison for people: a newsletter sign-up often has no name, only an
address such as ``jsmith@`` or ``john.smith@``, and the user name then *is* the name evidence.
A separate e-mail user-name comparison would count the name twice whenever both records have
one (two John Smiths both write ``johnsmith``, and the old ``EmailComparison`` chained them),
so the user name is read inside the name comparison, only where the names themselves cannot
be compared or disagree. Splink's Fellegi-Sunter model assumes comparisons are independent;
dependent evidence belongs in one comparison, as forename and surname already are.
"""

from __future__ import annotations

from typing import Any, Literal

EntityKind = Literal["customer", "account"]

#: A field on which exact agreement is taken as a match unless the model all but rules it out:
#: an e-mail address (people) or a web domain (companies) identifies its owner in marketing data.
IDENTIFIER: dict[EntityKind, str] = {"customer": "email", "account": "domain"}

# The name comparison's SQL pieces. ``email_user`` is the user name's letters ("jsmith"),
# ``name_key``/``name_key_canon`` the letters of first + last name as written / with the formal
# first name, ``initial_key`` first initial + last name (normalise.people_frame makes them).
_NAMES_UNCOMPARABLE = (
    "(first_name_canon_l IS NULL OR first_name_canon_r IS NULL) "
    "AND (last_name_l IS NULL OR last_name_r IS NULL)"
)
_USER_SPELLS_NAME = (
    "(email_user_l = name_key_r OR email_user_l = name_key_canon_r "
    "OR email_user_r = name_key_l OR email_user_r = name_key_canon_l)"
)
_SAME_USER = f"({_NAMES_UNCOMPARABLE} AND email_local_l = email_local_r)"
_USER_IS_INITIAL = (
    "(first_name_canon_l IS NULL AND email_user_l = initial_key_r "
    "OR first_name_canon_r IS NULL AND email_user_r = initial_key_l)"
)


def _name_comparison() -> Any:
    """Names, and e-mail user names where names are missing or disagree, in one comparison.

    Levels, the first that holds wins:

    - null: the names cannot be compared and no user name says anything either;
    - same full name, or one record's user name spells the other's (``john.smith42@`` and
      ``johnsmith@`` spell John Smith; Bob Smith's formal Robert counts too);
    - first and last name swapped; both names within Jaro-Winkler 0.92; within 0.88;
    - no names to compare, but the same user name (``jane1984@`` at two providers);
    - a record with no first name whose user name is the other's initial + surname (``jsmith``);
    - same surname; same first name; anything else.

    The first four weigh in how common the full name is among other people
    (``frequencies.full_name_frequencies``), the surname levels how common the surname is.
    """
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    user_evidence = f"({_USER_SPELLS_NAME} OR {_SAME_USER} OR {_USER_IS_INITIAL})"

    # Weight log2(m / frequency of the name): each level's own m, the name's frequency in
    # place of u (the larger of the two names' frequencies where they differ).
    def by_name(level: Any) -> Any:
        return level.configure(
            tf_adjustment_column="full_name_canon", disable_tf_exact_match_detection=True
        )

    levels: list[Any] = [
        cll.CustomLevel(
            f"({_NAMES_UNCOMPARABLE}) AND NOT {user_evidence}", "no names to compare"
        ).configure(is_null_level=True),
        # A user name that spells the name is the name written another way; one level for
        # both, so the two share m and u rather than a rare level's noisy random-sample u.
        by_name(
            cll.CustomLevel(
                f"full_name_canon_l = full_name_canon_r OR {_USER_SPELLS_NAME}",
                "same full name (or an e-mail user name spells it)",
            )
        ),
        by_name(cll.ColumnsReversedLevel("first_name_canon", "last_name", symmetrical=True)),
        *(
            by_name(
                cll.And(
                    cll.JaroWinklerLevel("first_name_canon", t),
                    cll.JaroWinklerLevel("last_name", t),
                )
            )
            for t in (0.92, 0.88)
        ),
        cll.CustomLevel(_SAME_USER, "no names, same e-mail user name"),
        cll.CustomLevel(
            _USER_IS_INITIAL, "no first name, user name is initial + surname"
        ).configure(tf_adjustment_column="last_name"),
        cll.ExactMatchLevel("last_name").configure(tf_adjustment_column="last_name"),
        cll.ExactMatchLevel("first_name_canon").configure(tf_adjustment_column="first_name_canon"),
        cll.ElseLevel(),
    ]
    return cl.CustomComparison(levels, output_column_name="name")


def _email_comparison() -> Any:
    """Same address / another address at the same domain / else.

    Why the middle level: two addresses at one provider or company are usually two people
    (colleagues, a family on one provider); EM learns how often one person holds both.
    Starting m (EM refines it): people keep several addresses, so about half of a person's
    record pairs share one.
    """
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return cl.CustomComparison(
        [
            cll.NullLevel("email"),
            cll.ExactMatchLevel("email").configure(tf_adjustment_column="email", m_probability=0.5),
            cll.ExactMatchLevel("email_domain").configure(
                label_for_charts="another address at the same domain", m_probability=0.1
            ),
            cll.ElseLevel().configure(m_probability=0.4),
        ],
        output_column_name="email",
    )


#: How often two records of one company disagree on its web domain when both have one: fixed,
#: not learned (see `_domain_comparison`).
DOMAIN_DISAGREES_M = 0.01


def _domain_comparison() -> Any:
    """Same web domain / another domain, with m fixed instead of learned by EM.

    Why fixed: EM learns the domain's m from pairs blocked on the company name, and names
    repeat across companies (two "Lisaport Software" in one town, at different domains). EM
    took those strangers for matches and learned that a company's records disagree on their
    domain 76% of the time, after which a shared name outweighed a different domain and
    same-name companies were merged (demo 10k: pairwise precision 0.40). A duplicate company
    record keeps the company's web domain whenever both records have one, bar the rare
    rebrand, so m is set to 0.99 / 0.01; u is still estimated from random pairs.
    """
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return cl.CustomComparison(
        [
            cll.NullLevel("domain"),
            cll.ExactMatchLevel("domain").configure(
                m_probability=1 - DOMAIN_DISAGREES_M, fix_m_probability=True
            ),
            cll.ElseLevel().configure(
                m_probability=DOMAIN_DISAGREES_M,
                fix_m_probability=True,
                label_for_charts="another domain",
            ),
        ],
        output_column_name="domain",
    )


def settings(kind: EntityKind) -> Any:
    """Splink settings (comparisons, blocking, starting prior) for one kind of entity."""
    import splink.comparison_library as cl
    from splink import SettingsCreator

    if kind == "customer":
        comparisons = [
            _name_comparison(),
            _email_comparison(),
            cl.ExactMatch("phone"),
            cl.ExactMatch("postcode"),
            cl.JaroWinklerAtThresholds("city", [0.9]),
            # The company a person typed or their work e-mail's domain, each read as letters.
            cl.JaroWinklerAtThresholds("employer", [0.9]).configure(
                term_frequency_adjustments=True
            ),
            cl.ExactMatch("country"),
            # Each system dedupes itself somewhat, so two of its own records are less often one
            # person than a record from each of two systems; EM learns by how much.
            cl.ExactMatch("source_system"),
        ]
        prior = 1e-4
    else:
        comparisons = [
            # Company names repeat ("<town> Software" at several domains), so an exact name
            # weighs in how common that name is.
            cl.JaroWinklerAtThresholds("name", [0.95, 0.88]).configure(
                term_frequency_adjustments=True
            ),
            _domain_comparison(),
            cl.JaroWinklerAtThresholds("city", [0.9]),
            cl.ExactMatch("country"),
            cl.ExactMatch("industry"),
        ]
        prior = 1e-3
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        probability_two_random_records_match=prior,
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=blocking(kind),
        retain_intermediate_calculation_columns=True,
        additional_columns_to_retain=["source_system"],
    )


def compared_fields(kind: EntityKind) -> list[str]:
    """The output names of the comparisons, in order: what a saved model must also have."""
    return [c.create_output_column_name() for c in settings(kind).comparisons]


#: The values the blocking rules join on, by name: a part is a column of the normalised frame
#: or ``column[:n]`` for its first n letters (``blocking_keys`` reads the same notation).
#: ``block_caps`` counts each value and leaves a value shared by too many records out of the
#: rules that join on it, through the column ``capped(name)`` (1, or null for such a value).
#: ``email_user_unnamed`` is the user name of records with no first name (its rule's filter).
BLOCK_VALUES: dict[EntityKind, dict[str, tuple[str, ...]]] = {
    "customer": {
        "email": ("email",),
        "phone": ("phone",),
        "first_last": ("first_name_canon", "last_name"),
        "last_first": ("last_name", "first_name_canon"),
        "email_local": ("email_local",),
        "last_postcode": ("last_name", "postcode"),
        "last_employer": ("last_name", "employer"),
        "first_last3": ("first_name_canon", "last_name[:3]"),
        "first_employer": ("first_name_canon", "employer"),
        "initial_last_city": ("first_name_canon[:1]", "last_name", "city"),
        "email_user": ("email_user",),
        "name_key": ("name_key",),
        "name_key_canon": ("name_key_canon",),
        "initial_key": ("initial_key",),
        "email_user_unnamed": ("email_user",),
    },
    "account": {
        "name": ("name",),
        "domain": ("domain",),
        "name4_country": ("name[:4]", "country"),
    },
}


#: Rules joining one value of a record to *another* value of the other (swapped names, user
#: name against name): value v makes count(left = v) x count(right = v) pairs, so the cap
#: applies to that product, through ``capped(left, right)`` and ``capped(right, left)``.
BLOCK_CROSSES: dict[EntityKind, tuple[tuple[str, str], ...]] = {
    "customer": (
        ("first_last", "last_first"),
        ("email_user", "name_key"),
        ("email_user", "name_key_canon"),
        ("email_user_unnamed", "initial_key"),
    ),
    "account": (),
}


#: The values rules join to themselves (``capped(name)``: the cap applies to how many records
#: share one).
BLOCK_SELF: dict[EntityKind, tuple[str, ...]] = {
    "customer": (
        "email", "phone", "first_last", "email_local", "last_postcode", "last_employer",
        "first_last3", "first_employer", "initial_last_city",
    ),
    "account": ("name", "domain", "name4_country"),
}  # fmt: skip


def capped(name: str, across: str | None = None) -> str:
    """The column saying whether a record's ``BLOCK_VALUES`` value ``name`` may block (joined
    to the same value, or to value ``across`` of the other record): 1, or null when it would
    make too many pairs (an equality join never pairs null)."""
    return f"bk_ok_{name}" if across is None else f"bk_ok_{name}_to_{across}"


def _across(left: str, right: str) -> str:
    """The caps of a rule joining value ``left`` of one record to ``right`` of the other."""
    return f"l.{capped(left, right)} = r.{capped(right, left)}"


def blocking(kind: EntityKind) -> list[Any]:
    """Equality-join blocking rules; each keeps blocks small even at a million records.

    Each rule also joins on the cap columns of the values it compares, so a value shared by
    more than ``block_caps.BLOCK_CAP`` records (a placeholder name, a shared mailbox) pairs
    nobody under that rule; the other rules still pair those records.
    """
    from splink import block_on

    if kind == "account":
        return [
            block_on("name", capped("name")),
            block_on("domain", capped("domain")),
            block_on("substr(name, 1, 4)", "country", capped("name4_country")),
        ]
    return [
        block_on("email", capped("email")),
        block_on("phone", capped("phone")),
        block_on("first_name_canon", "last_name", capped("first_last")),
        block_on("email_local", capped("email_local")),
        "l.first_name_canon = r.last_name AND l.last_name = r.first_name_canon AND "
        + _across("first_last", "last_first"),
        block_on("last_name", "postcode", capped("last_postcode")),
        block_on("last_name", "employer", capped("last_employer")),
        # A slip of the fingers in the surname: the first name agrees, and the surname's first
        # three letters or the employer (FEBRL: the street address) do.
        block_on("first_name_canon", "substr(last_name, 1, 3)", capped("first_last3")),
        block_on("first_name_canon", "employer", capped("first_employer")),
        block_on(
            "substr(first_name_canon, 1, 1)", "last_name", "city", capped("initial_last_city")
        ),
        # A user name against the other record's name (each direction is its own equi-join).
        "l.email_user = r.name_key AND " + _across("email_user", "name_key"),
        "l.name_key = r.email_user AND " + _across("name_key", "email_user"),
        "l.email_user = r.name_key_canon AND " + _across("email_user", "name_key_canon"),
        "l.name_key_canon = r.email_user AND " + _across("name_key_canon", "email_user"),
        # "jsmith@" against J. Smiths only for a record with no first name of its own.
        "l.email_user = r.initial_key AND l.first_name_canon IS NULL AND "
        + _across("email_user_unnamed", "initial_key"),
        "l.initial_key = r.email_user AND r.first_name_canon IS NULL AND "
        + _across("initial_key", "email_user_unnamed"),
    ]


def identifier_rules(kind: EntityKind) -> list[Any]:
    """Pairs sharing an exact identifier (``splink_model`` estimates the prior from them)."""
    from splink import block_on

    if kind == "account":
        return [block_on("domain", capped("domain"))]
    return [block_on("email", capped("email")), block_on("phone", capped("phone"))]


def training_rules(kind: EntityKind) -> list[Any]:
    """Blocks EM learns m from; each leaves the other comparisons free to be estimated."""
    from splink import block_on

    if kind == "account":
        return [block_on("name", capped("name")), block_on("domain", capped("domain"))]
    return [
        block_on("email", capped("email")),
        block_on("first_name_canon", "last_name", capped("first_last")),
    ]
