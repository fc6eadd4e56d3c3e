"""The cases table's indexes across an upgrade: which a deployment has, which the code may query.

CloudFormation creates or deletes at most one global secondary index of a table per stack update,
and cannot change a deployed index's key schema or projection (README "Upgrading the cases table's
indexes", with sources). So a stack of the previous release reaches store/tables.py's indexes in
steps, expand -> migrate -> contract, each a deployment with the CDK context value
`casetrail:casesIndexStep=<step>`:
- expand, `add-<index>`: each new index is created beside the previous release's; the code keeps
  querying an old index with the very same key attributes (it holds what old and new code write);
- migrate, right after the first step (this release's code then runs): `casetrail-admin migrate`
  writes the key attributes the new indexes need into old items (DynamoDB backfills a new index
  from the attributes items have, by itself). From then on, a new index is queried from the step
  after the one that created it (`casetrail-admin wait-indexes` saw it backfilled), so the indexes
  the code needs most come first in store/tables.py;
- contract, `drop-<index>`: the code queries every new index, and each old one is deleted.
Without the context value (a new stack, or once upgraded) the stack has the final indexes.

The stack tells every function which indexes it may query (QUERYABLE_INDEXES_ENV_VAR, from the same
steps); `queryable` resolves an index of store/tables.py to the one to read, or None: a list then
goes to the search engine, a sweeper skips its turn (late, never lost), an erasure waits.
"""

import json
import logging
import os
from dataclasses import dataclass
from functools import lru_cache

from casetrail.store.tables import CASES_TABLE, PROJECT_ALL, IndexSpec

logger = logging.getLogger(__name__)

STEP_CONTEXT_KEY = "casetrail:casesIndexStep"
QUERYABLE_INDEXES_ENV_VAR = "CASES_TABLE_QUERYABLE_INDEXES"  # JSON list of index names; unset: all declared
FINAL_STEP = "final"

# The cases table's indexes as the previous release (commit f6abaa6) deployed them: every one
# projected ALL, keyed "<name>pk" / "<name>sk".
PREVIOUS_RELEASE = "f6abaa6"
PREVIOUS_RELEASE_INDEXES: tuple[IndexSpec, ...] = tuple(
    IndexSpec(name=name, partition_key=f"{name}pk", sort_key=f"{name}sk", projection=PROJECT_ALL)
    for name in (
        "byTenant", "byCustomer", "byStatus", "byAssignee", "byQueue", "byTimelineType",
        "byTemplate", "byCategory", "byPriority", "byUpdated", "byAssigneeUpdated", "slaDue",
    )
)  # fmt: skip


class IndexNotDeployedYet(Exception):
    """The index a read needs is not queryable in this deployment (an upgrade is under way)."""


@dataclass(frozen=True)
class IndexStep:
    name: str
    indexes: tuple[IndexSpec, ...]  # the cases table's indexes once this step is deployed
    queryable: tuple[str, ...]  # the names the code deployed with it may query
    phase: str  # "expand", "contract" or "final"


def upgrade_steps(previous: tuple[IndexSpec, ...] = PREVIOUS_RELEASE_INDEXES, final: tuple[IndexSpec, ...] = CASES_TABLE.indexes) -> tuple[IndexStep, ...]:
    """The deployments from `previous` to `final`, one index created or deleted by each: new indexes
    first (each queried from the next step on: backfilled, and migrated after the first step), then
    old ones deleted."""
    reused = {index.name for index in final if index not in previous} & {index.name for index in previous}
    if reused:
        raise ValueError(f"indexes {sorted(reused)} change under their name: give the changed index a new name")
    added = [index for index in final if index not in previous]
    removed = [index for index in previous if index not in final]
    deployed, steps = list(previous), []
    for index in added:
        steps.append(IndexStep(f"add-{index.name}", (*deployed, index), tuple(i.name for i in deployed), "expand"))
        deployed.append(index)
    for index in removed:
        deployed.remove(index)
        steps.append(IndexStep(f"drop-{index.name}", tuple(deployed), tuple(i.name for i in deployed), "contract"))
    return tuple(steps)


def deployed_step(step_name: str | None) -> IndexStep:
    """The step a deployment's context names; none (or "final"): the final indexes, all queryable."""
    if step_name in (None, "", FINAL_STEP):
        return IndexStep(FINAL_STEP, CASES_TABLE.indexes, tuple(i.name for i in CASES_TABLE.indexes), FINAL_STEP)
    steps = {step.name: step for step in upgrade_steps()}
    if step_name not in steps:
        raise ValueError(f"{STEP_CONTEXT_KEY}={step_name!r} is not an upgrade step; the steps are: {', '.join(steps)}")
    return steps[step_name]


def environment(step: IndexStep) -> dict[str, str]:
    return {QUERYABLE_INDEXES_ENV_VAR: json.dumps(sorted(step.queryable))}


def queryable(index: IndexSpec) -> IndexSpec | None:
    """`index` (of store/tables.py) if this deployment may query it, else a previous release's index
    with the same key attributes that it may query (it holds the same items), else None."""
    names = _queryable_names(os.environ.get(QUERYABLE_INDEXES_ENV_VAR))
    if names is None or index.name in names:
        return index
    return next(
        (old for old in PREVIOUS_RELEASE_INDEXES if old.name in names and (old.partition_key, old.sort_key) == (index.partition_key, index.sort_key)),
        None,
    )


def queryable_or_wait(index: IndexSpec, waiting: str) -> IndexSpec | None:
    """queryable(index), with a warning when it is None: what `waiting` names waits for the upgrade."""
    found = queryable(index)
    if found is None:
        logger.warning("index %s is not queryable yet (cases table upgrade under way): %s waits", index.name, waiting)
    return found


def require_queryable(index: IndexSpec, waiting: str) -> IndexSpec:
    found = queryable_or_wait(index, waiting)
    if found is None:
        raise IndexNotDeployedYet(index.name)
    return found


@lru_cache(maxsize=4)
def _queryable_names(value: str | None) -> frozenset[str] | None:
    return None if value is None else frozenset(json.loads(value))


def upgrade_plan(stack: str, *, start: str | None = None) -> list[str]:
    """The operator's commands, in order, that take `stack` from the previous release's indexes to
    the final ones (README "Upgrading the cases table's indexes"); from step `start` when given."""
    admin = f"casetrail-admin --stack {stack}"
    # `cdk deploy -c stage=prod` deploys the stack "Casetrail-prod" (infra/application.py).
    stage = f" -c stage={stack.split('-', 1)[1]}" if "-" in stack else ""
    deploy = f"npx aws-cdk@2 deploy {stack}{stage}"
    steps = upgrade_steps()
    names = [step.name for step in steps]
    if start is not None and start not in names:
        raise ValueError(f"{start!r} is not an upgrade step; the steps are: {', '.join(names)}")
    first = names.index(start) if start else 0
    lines = [f"# {stack}: the cases table's indexes from release {PREVIOUS_RELEASE} to this one, {len(steps)} deployments of one index each"]
    for number, step in enumerate(steps[first:], start=first + 1):
        lines.append(f"# step {number}/{len(steps)} ({step.phase}): {step.name}")
        lines.append(f"{deploy} -c {STEP_CONTEXT_KEY}={step.name} && {admin} wait-indexes --step {step.name}")
        if number == 1:  # the code of this release now runs
            lines.append(f"{admin} reindex  # the search index serves the lists whose new index is not queryable yet")
            lines.append(f"{admin} migrate  # the new indexes' keys in every item, before step 2 queries the first one")
    lines.append(f"# done: deploy without {STEP_CONTEXT_KEY} from now on (the same indexes as the last step)")
    lines.append(f"{deploy} && {admin} wait-indexes --step {FINAL_STEP}")
    return lines


def unexpected_indexes(step_name: str, found: list[str]) -> str | None:
    """What is wrong when a table's indexes are not those of the step just deployed, else None."""
    expected = sorted(index.name for index in deployed_step(step_name).indexes)
    if found == expected:
        return None
    return f"the cases table's indexes are not those of step {step_name}: missing {sorted(set(expected) - set(found))}, unexpected {sorted(set(found) - set(expected))}"


def wait_until_active(client, table_name: str, *, progress, sleep, poll_seconds: float = 30) -> list[str]:
    """Returns the table's index names once the table and every index are ACTIVE: CloudFormation
    does not wait for a new index to be backfilled, and the table takes no other index change until
    it is (README "Upgrading the cases table's indexes")."""
    while True:
        table = client.describe_table(TableName=table_name)["Table"]
        indexes = table.get("GlobalSecondaryIndexes", [])
        pending = {i["IndexName"]: i["IndexStatus"] + (" (backfilling)" if i.get("Backfilling") else "") for i in indexes if i["IndexStatus"] != "ACTIVE"}
        if table["TableStatus"] == "ACTIVE" and not pending:
            return sorted(i["IndexName"] for i in indexes)
        progress(f"{table_name}: table {table['TableStatus']}, " + (", ".join(f"{name} {status}" for name, status in sorted(pending.items())) or "indexes ACTIVE"))
        sleep(poll_seconds)
