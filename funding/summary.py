"""The funding summary: the counted requests added up per (councils of their group, priority,
fiscal year, status), kept by PostgreSQL triggers in the same transaction as every change.

Issue 17: the funding overview and the dashboard added up every request on a cache miss (254-348
ms at 200,000 requests), and counted the requests each reader's council roles do not open on
every funding or group change (152-190 ms after each one under writes). The figures they need
are sums over a few hundred summary rows instead.

What a row holds. A request is counted once it is submitted and neither a draft nor withdrawn
(`selectors.REQUESTED`). Each counted request adds 1, its amount requested and its amount
approved (0 when none) to the row of its group's councils, its fiscal year, its status and:

- `priority_key` 0, once per request (the year totals, the year's withheld count);
- each priority it advances, once under each (the per-priority cells).

`councils` is the set of councils the group reports to, as ",1,3," (",": none), so a council
filter is `councils__contains=",1,"` and a reader's council roles open a whole row or none of it
(`selectors._council_condition` in summary terms). Rows are never deleted: a key whose requests
have all gone keeps a count of 0, and readers leave such rows out.

Why triggers. Every write path reaches the tables: the services, the admin, bulk_create and
QuerySet.update (which send no signals), the demo and the benchmark's generator. Statement-level
triggers with transition tables add a statement's rows up in one grouped upsert, so a bulk insert
of 2,000 requests costs one upsert, not 2,000.

Concurrent writes (READ COMMITTED). A row's figures depend on three tables: the request, its
priorities and its group's councils. Each trigger locks what the others change before it reads:

- a request change takes KEY SHARE on the groups of its rows (what an FK check takes; a plain
  edit of the group does not wait on it);
- a priority change takes SHARE on its requests (waits on a concurrent update of the request)
  and KEY SHARE on their groups;
- a council change takes UPDATE on its groups (waits on the two above, and they on it).

The waiting statement then reads the other's committed change, so each change is added up
against the state it leaves, whatever the order. The upserts go in key order (no deadlock
between two summary writers). `tests/test_funding_summary.py` checks the figures against the
requests after every kind of change, and two transactions racing on one group.

SQLite (`make run`) has no such triggers: `maintained()` is false there and the selectors add up
the requests themselves, as before.
"""

from django.db import connection, connections

SUMMARY = "funding_fundingsummary"
REQUESTS = "funding_fundingrequest"
PRIORITIES = "funding_fundingrequest_priorities"
COUNCILS = "workinggroups_group_councils"
GROUPS = "workinggroups_group"

# The triggers: (name, table, event, function), each for every statement, with the statement's
# rows as transition tables (an update sees both). Installed and dropped from this one list.
TRIGGERS = (
    ("funding_summary_requests_insert", REQUESTS, "INSERT", "funding_summary_requests"),
    ("funding_summary_requests_update", REQUESTS, "UPDATE", "funding_summary_requests"),
    ("funding_summary_requests_delete", REQUESTS, "DELETE", "funding_summary_requests"),
    ("funding_summary_priorities_insert", PRIORITIES, "INSERT", "funding_summary_priorities"),
    ("funding_summary_priorities_delete", PRIORITIES, "DELETE", "funding_summary_priorities"),
    ("funding_summary_councils_insert", COUNCILS, "INSERT", "funding_summary_councils_changed"),
    ("funding_summary_councils_delete", COUNCILS, "DELETE", "funding_summary_councils_changed"),
)
TRANSITION_TABLES = {
    "INSERT": "NEW TABLE AS new_rows",
    "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "DELETE": "OLD TABLE AS old_rows",
}
_TRIGGERS_SQL = "\n".join(
    f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {TRANSITION_TABLES[event]} "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {function}();"
    for name, table, event, function in TRIGGERS
)
_DROP_TRIGGERS_SQL = "\n".join(
    f"DROP TRIGGER IF EXISTS {name} ON {table};" for name, table, _event, _function in TRIGGERS
)

# Statuses never counted: selectors.REQUESTED (a draft, a withdrawn request).
NOT_COUNTED = ("draft", "withdrawn")

# The columns a request's figures depend on: an update that changes none of them (most do:
# version, texts, meeting) adds nothing up. Of `submitted_at`, only whether it is set counts.
COUNTED_COLUMNS = ("group_id", "fiscal_year", "status", "amount_requested", "amount_approved")


def maintained(using=None) -> bool:
    """Whether the summary is kept on this database (PostgreSQL; not SQLite)."""
    return (connections[using] if using else connection).vendor == "postgresql"


def _contributions(rows: str, sign: str, *, councils: str = "", keys: str = "") -> str:
    """SELECT of the summary rows that the requests `rows` (alias r) add (`sign` 1) or take
    away (-1): one per priority key each. `councils` is the SQL of their group's councils (by
    default read now), `keys` the priority keys (by default 0 and each of the request's)."""
    councils = councils or "funding_summary_councils(r.group_id)"
    keys = keys or (
        "CROSS JOIN LATERAL (SELECT 0::bigint AS priority_key UNION ALL "
        f"SELECT p.priority_id FROM {PRIORITIES} p WHERE p.fundingrequest_id = r.id) k"
    )
    not_counted = ", ".join(f"'{status}'" for status in NOT_COUNTED)
    return (
        f"SELECT {councils} AS councils, k.priority_key, r.fiscal_year, r.status, "
        f"{sign} AS n, {sign} * r.amount_requested AS requested, "
        f"{sign} * COALESCE(r.amount_approved, 0) AS approved "
        f"FROM {rows} {keys} "
        f"WHERE r.submitted_at IS NOT NULL AND r.status NOT IN ({not_counted})"
    )


def _apply(*contributions: str, with_: str = "") -> str:
    """The upsert adding `contributions` into the summary, in key order."""
    union = " UNION ALL ".join(contributions)
    return (
        f"{with_} INSERT INTO {SUMMARY} AS s "
        "(councils, priority_key, fiscal_year, status, count, requested, approved) "
        "SELECT councils, priority_key, fiscal_year, status, SUM(n), SUM(requested), "
        f"SUM(approved) FROM ({union}) c "
        "GROUP BY councils, priority_key, fiscal_year, status "
        "HAVING SUM(n) <> 0 OR SUM(requested) <> 0 OR SUM(approved) <> 0 "
        "ORDER BY councils, priority_key, fiscal_year, status "
        "ON CONFLICT (councils, priority_key, fiscal_year, status) DO UPDATE SET "
        "count = s.count + EXCLUDED.count, requested = s.requested + EXCLUDED.requested, "
        "approved = s.approved + EXCLUDED.approved;"
    )


def _changed() -> str:
    """Whether a request's old row `o` and new row `n` differ in what the summary counts."""

    def counted(alias):
        columns = [f"{alias}.{column}" for column in COUNTED_COLUMNS]
        return ", ".join([*columns, f"({alias}.submitted_at IS NULL)"])

    return f"({counted('o')}) IS DISTINCT FROM ({counted('n')})"


def _lock_groups(of_rows: str) -> str:
    return (
        f"PERFORM 1 FROM {GROUPS} WHERE id IN (SELECT group_id FROM {of_rows}) "
        "ORDER BY id FOR KEY SHARE;"
    )


def _install_sql() -> str:
    changed_old = f"(SELECT o.* FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE {_changed()})"
    changed_new = f"(SELECT n.* FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE {_changed()})"
    requests_of = (
        f"(SELECT r.* FROM {REQUESTS} r WHERE r.id IN (SELECT fundingrequest_id FROM {{rows}}))"
    )
    through = f"{REQUESTS} r JOIN {{rows}} t ON t.fundingrequest_id = r.id"
    through_keys = "CROSS JOIN LATERAL (SELECT t.priority_id AS priority_key) k"
    # A group's councils before the statement: now, less those it added, plus those it removed.
    moved = (
        f"{REQUESTS} r JOIN sets ON sets.group_id = r.group_id AND sets.now_set <> sets.before_set"
    )

    def move_groups(rows: str, before: str) -> str:
        """The upsert moving the requests of the groups in `rows` from the councils they had
        before the statement (those now, `before` those it added or removed) to those now."""
        sets = (
            "WITH sets AS (SELECT g.id AS group_id, funding_summary_councils(g.id) AS now_set, "
            "COALESCE(',' || (SELECT string_agg(x.c::text, ',' ORDER BY x.c) FROM ("
            f"SELECT gc.council_id AS c FROM {COUNCILS} gc WHERE gc.group_id = g.id {before}"
            ") x) || ',', ',') AS before_set "
            f"FROM {GROUPS} g WHERE g.id IN (SELECT group_id FROM {rows}))"
        )
        return _apply(
            _contributions(moved, "-1", councils="sets.before_set"),
            _contributions(moved, "1", councils="sets.now_set"),
            with_=sets,
        )

    councils_added = move_groups(
        "new_rows", "EXCEPT SELECT nr.council_id FROM new_rows nr WHERE nr.group_id = g.id"
    )
    councils_removed = move_groups(
        "old_rows", "UNION SELECT orw.council_id FROM old_rows orw WHERE orw.group_id = g.id"
    )
    return f"""
CREATE OR REPLACE FUNCTION funding_summary_councils(g bigint) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT COALESCE(',' || string_agg(council_id::text, ',' ORDER BY council_id) || ',', ',')
    FROM {COUNCILS} WHERE group_id = g
$$;

CREATE OR REPLACE FUNCTION funding_summary_requests() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_lock_groups("new_rows")}
        {_apply(_contributions("new_rows r", "1"))}
    ELSIF TG_OP = 'DELETE' THEN
        {_lock_groups("old_rows")}
        {_apply(_contributions("old_rows r", "-1"))}
    ELSE
        IF NOT EXISTS {changed_new} THEN
            RETURN NULL;
        END IF;
        PERFORM 1 FROM {GROUPS} WHERE id IN (SELECT group_id FROM {changed_old} x
            UNION SELECT group_id FROM {changed_new} y) ORDER BY id FOR KEY SHARE;
        {_apply(_contributions(changed_old + " r", "-1"), _contributions(changed_new + " r", "1"))}
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION funding_summary_priorities() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM 1 FROM {REQUESTS} WHERE id IN (SELECT fundingrequest_id FROM new_rows)
            ORDER BY id FOR SHARE;
        {_lock_groups(requests_of.format(rows="new_rows") + " x")}
        {_apply(_contributions(through.format(rows="new_rows"), "1", keys=through_keys))}
    ELSE
        PERFORM 1 FROM {REQUESTS} WHERE id IN (SELECT fundingrequest_id FROM old_rows)
            ORDER BY id FOR SHARE;
        {_lock_groups(requests_of.format(rows="old_rows") + " x")}
        {_apply(_contributions(through.format(rows="old_rows"), "-1", keys=through_keys))}
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION funding_summary_councils_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM 1 FROM {GROUPS} WHERE id IN (SELECT group_id FROM new_rows)
            ORDER BY id FOR UPDATE;
        {councils_added}
    ELSE
        PERFORM 1 FROM {GROUPS} WHERE id IN (SELECT group_id FROM old_rows)
            ORDER BY id FOR UPDATE;
        {councils_removed}
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION funding_summary_rebuild() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    LOCK TABLE {REQUESTS}, {PRIORITIES}, {COUNCILS} IN SHARE MODE;
    DELETE FROM {SUMMARY};
    {_apply(_contributions(REQUESTS + " r", "1"))}
END
$$;

{_TRIGGERS_SQL}
SELECT funding_summary_rebuild();
"""


UNINSTALL_SQL = f"""
{_DROP_TRIGGERS_SQL}
DROP FUNCTION IF EXISTS funding_summary_rebuild();
DROP FUNCTION IF EXISTS funding_summary_councils_changed();
DROP FUNCTION IF EXISTS funding_summary_priorities();
DROP FUNCTION IF EXISTS funding_summary_requests();
DROP FUNCTION IF EXISTS funding_summary_councils(bigint);
"""


def install(schema_editor) -> None:
    """Create the functions and triggers (again, if they exist: a later migration that changes
    them calls this too) and add the summary up (a migration's step)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNINSTALL_SQL)
        schema_editor.execute(_install_sql())


def uninstall(schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNINSTALL_SQL)


def rebuild() -> None:
    """Add the summary up again from the requests (repair; the tables are locked for writes
    while it runs)."""
    if maintained():
        with connection.cursor() as cursor:
            cursor.execute("SELECT funding_summary_rebuild()")


def differences() -> list[tuple]:
    """The keys whose stored figures differ from the requests added up now, with both:
    [(councils, priority key, fiscal year, status, stored, expected)]. Empty when the summary
    is true (the tests' check; a repair is `rebuild()`)."""
    if not maintained():
        return []
    expected = (
        "SELECT councils, priority_key, fiscal_year, status, SUM(n) AS count, "
        "SUM(requested) AS requested, SUM(approved) AS approved "
        f"FROM ({_contributions(REQUESTS + ' r', '1')}) c "
        "GROUP BY councils, priority_key, fiscal_year, status"
    )
    stored = (
        "SELECT councils, priority_key, fiscal_year, status, count, requested, approved "
        f"FROM {SUMMARY} WHERE count <> 0 OR requested <> 0 OR approved <> 0"
    )
    sql = (
        "SELECT COALESCE(e.councils, s.councils), COALESCE(e.priority_key, s.priority_key), "
        "COALESCE(e.fiscal_year, s.fiscal_year), COALESCE(e.status, s.status), "
        "ROW(s.count, s.requested, s.approved)::text, ROW(e.count, e.requested, e.approved)::text "
        f"FROM ({expected}) e FULL JOIN ({stored}) s USING (councils, priority_key, fiscal_year, "
        "status) WHERE ROW(s.count, s.requested, s.approved) IS DISTINCT FROM "
        "ROW(e.count, e.requested, e.approved) ORDER BY 1, 2, 3, 4"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()
