"""Casetrail's DynamoDB tables, one per spec in casetrail.store.tables."""

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from constructs import Construct

from casetrail.store.tables import ALL_TABLES, TableSpec


class Data(Construct):
    def __init__(self, scope: Construct, construct_id: str):
        super().__init__(scope, construct_id)
        self._tables = {spec.logical_id: _table(self, spec) for spec in ALL_TABLES}

    def table(self, spec: TableSpec) -> dynamodb.Table:
        return self._tables[spec.logical_id]

    def grant_read(self, grantee: iam.IGrantable, *specs: TableSpec) -> None:
        for spec in specs:
            self.table(spec).grant_read_data(grantee)
            self._acknowledge_index_wildcard(grantee, spec)

    def grant_read_write(self, grantee: iam.IGrantable, *specs: TableSpec) -> None:
        for spec in specs:
            self.table(spec).grant_read_write_data(grantee)
            self._acknowledge_index_wildcard(grantee, spec)

    def _acknowledge_index_wildcard(self, grantee: iam.IGrantable, spec: TableSpec) -> None:
        if not spec.indexes:
            return
        table = self.table(spec)
        logical_id = cdk.Stack.of(table).get_logical_id(table.node.default_child)
        cdk.Validations.of(grantee.grant_principal).acknowledge(
            cdk.Acknowledgment(
                id=f"AwsSolutions-IAM5[Resource::<{logical_id}.Arn>/index/*]",
                reason=f"Queries the {spec.logical_id} table's GSIs; the wildcard covers that one table's indexes only.",
            )
        )

    def environment(self, *specs: TableSpec) -> dict[str, str]:
        """The environment variables that tell a function the physical names of these tables."""
        return {spec.env_var: self.table(spec).table_name for spec in specs}


def _string_key(name: str | None) -> dynamodb.Attribute | None:
    return dynamodb.Attribute(name=name, type=dynamodb.AttributeType.STRING) if name else None


def _table(scope: Construct, spec: TableSpec) -> dynamodb.Table:
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
    for index in spec.indexes:
        table.add_global_secondary_index(
            index_name=index.name,
            partition_key=_string_key(index.partition_key),
            sort_key=_string_key(index.sort_key),
            projection_type=dynamodb.ProjectionType.ALL,
        )
    return table
