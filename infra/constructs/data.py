"""Casetrail's DynamoDB tables, one per spec in casetrail.store.tables, and the grants on them.

Grants name the item actions the code calls, not CDK's grant_read_data/grant_read_write_data:
those add Scan, BatchWriteItem, DeleteItem and stream reads that no function uses. The store layer
calls GetItem, Query, PutItem, UpdateItem, DeleteItem and TransactWriteItems, which needs the action
of each item it writes (Put, Update, Delete), and BatchGetItem on a table with a KEYS_ONLY index (a
page of that index is read whole with it); nothing scans.

The cases table's indexes are those of an upgrade step (store/case_indexes.py: CDK context
`casetrail:casesIndexStep`; none: the final ones); every function that reads the cases table is
told which of them it may query, and may query only those: an index being created changes the
table alone (CloudFormation's advice for an update that adds an index).
"""

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from constructs import Construct

from casetrail.store import case_indexes
from casetrail.store.tables import ALL_TABLES, CASES_TABLE, PROJECT_ALL, IndexSpec, TableSpec

READ_ACTIONS = ("dynamodb:GetItem", "dynamodb:Query")
WRITE_ACTIONS = (*READ_ACTIONS, "dynamodb:PutItem", "dynamodb:UpdateItem")
DELETE_ACTIONS = (*WRITE_ACTIONS, "dynamodb:DeleteItem")


class Data(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, cases_index_step: str | None = None):
        super().__init__(scope, construct_id)
        self._cases_step = case_indexes.deployed_step(cases_index_step)
        self._tables = {spec.logical_id: _table(self, spec, self._indexes(spec)) for spec in ALL_TABLES}

    def _indexes(self, spec: TableSpec) -> tuple[IndexSpec, ...]:
        return self._cases_step.indexes if spec == CASES_TABLE else spec.indexes

    def table(self, spec: TableSpec) -> dynamodb.Table:
        return self._tables[spec.logical_id]

    def grant_read(self, grantee: iam.IGrantable, *specs: TableSpec) -> None:
        """Key lookups and queries (the table's and its indexes')."""
        for spec in specs:
            self._grant(grantee, spec, READ_ACTIONS)

    def grant_read_write(self, grantee: iam.IGrantable, *specs: TableSpec) -> None:
        """Reads, puts and updates: never a delete."""
        for spec in specs:
            self._grant(grantee, spec, WRITE_ACTIONS)

    def grant_read_write_delete(self, grantee: iam.IGrantable, *specs: TableSpec) -> None:
        """Reads and writes, and deletes items: only for code that removes items of this table."""
        for spec in specs:
            self._grant(grantee, spec, DELETE_ACTIONS)

    def grant_condition_checks(self, grantee: iam.IGrantable, *specs: TableSpec) -> None:
        """A transaction's ConditionCheck on an item it does not write (a new parent case exists)."""
        for spec in specs:
            iam.Grant.add_to_principal(grantee=grantee, actions=["dynamodb:ConditionCheckItem"], resource_arns=[self.table(spec).table_arn])

    def grant_declared(
        self, grantee: iam.IGrantable, *, reads: tuple[TableSpec, ...], writes: tuple[TableSpec, ...], deletes: tuple[TableSpec, ...] = ()
    ) -> None:
        """What a topology entry declares: `deletes` are among its `writes` and get DeleteItem too."""
        self.grant_read(grantee, *reads)
        self.grant_read_write(grantee, *(spec for spec in writes if spec not in deletes))
        self.grant_read_write_delete(grantee, *deletes)

    def _grant(self, grantee: iam.IGrantable, spec: TableSpec, actions: tuple[str, ...]) -> None:
        table = self.table(spec)
        indexes = self._indexes(spec)
        whole_pages = ["dynamodb:BatchGetItem"] if any(index.projection != PROJECT_ALL for index in indexes) else []
        iam.Grant.add_to_principal(grantee=grantee, actions=[*actions, *whole_pages], resource_arns=[table.table_arn])
        queried = self._cases_step.queryable if spec == CASES_TABLE else [index.name for index in indexes]
        if queried:
            # Each index by name: no wildcard, and a new index is granted when the code may query it.
            iam.Grant.add_to_principal(
                grantee=grantee,
                actions=["dynamodb:Query"],
                resource_arns=[f"{table.table_arn}/index/{name}" for name in queried],
            )

    def environment(self, *specs: TableSpec) -> dict[str, str]:
        """The environment variables that tell a function the physical names of these tables (and of
        the cases table's indexes, those it may query)."""
        names = {spec.env_var: self.table(spec).table_name for spec in specs}
        return names | (case_indexes.environment(self._cases_step) if CASES_TABLE in specs else {})


def _string_key(name: str | None) -> dynamodb.Attribute | None:
    return dynamodb.Attribute(name=name, type=dynamodb.AttributeType.STRING) if name else None


def _table(scope: Construct, spec: TableSpec, indexes: tuple[IndexSpec, ...]) -> dynamodb.Table:
    table = dynamodb.Table(
        scope,
        spec.logical_id,
        partition_key=_string_key(spec.partition_key),
        sort_key=_string_key(spec.sort_key),
        billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
        encryption=dynamodb.TableEncryption.AWS_MANAGED,
        point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
            point_in_time_recovery_enabled=True
        ),
        deletion_protection=True,
        removal_policy=cdk.RemovalPolicy.RETAIN,
        time_to_live_attribute=spec.ttl_attribute,
        stream=dynamodb.StreamViewType.NEW_IMAGE if spec.stream else None,
    )
    for index in indexes:
        table.add_global_secondary_index(
            index_name=index.name,
            partition_key=_string_key(index.partition_key),
            sort_key=_string_key(index.sort_key),
            projection_type=dynamodb.ProjectionType(index.projection),
        )
    return table
