"""Lookups in a synthesised template, by what a resource does rather than by its generated name."""

from aws_cdk.assertions import Template

from casetrail.store.tables import TableSpec


def resources(template: Template, resource_type: str) -> dict[str, dict]:
    return template.find_resources(resource_type)


def casetrail_functions(template: Template) -> dict[str, dict]:
    """Casetrail's own functions, without those CDK adds for custom resources (BucketDeployment)."""
    return {
        logical_id: function
        for logical_id, function in resources(template, "AWS::Lambda::Function").items()
        if function["Properties"].get("Handler", "").startswith("casetrail.")
    }


def output_ref(template: Template, output_name: str) -> str:
    return template.find_outputs(output_name)[output_name]["Value"]["Ref"]


def table_id(template: Template, spec: TableSpec) -> str:
    # The stack exports every table's name as "<logical id>TableName" (the admin CLI reads them).
    return output_ref(template, f"{spec.logical_id}TableName")


def function_id(template: Template, handler: str) -> str:
    (function_id,) = [
        logical_id
        for logical_id, function in resources(template, "AWS::Lambda::Function").items()
        if function["Properties"]["Handler"] == handler
    ]
    return function_id


def role_statements(template: Template, function_logical_id: str) -> list[dict]:
    function = resources(template, "AWS::Lambda::Function")[function_logical_id]
    role_id = function["Properties"]["Role"]["Fn::GetAtt"][0]
    return [
        statement
        for policy in resources(template, "AWS::IAM::Policy").values()
        if {"Ref": role_id} in policy["Properties"]["Roles"]
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def references(value, logical_id: str) -> bool:
    """Whether a CloudFormation value (Ref, GetAtt, Join...) mentions the resource."""
    if isinstance(value, dict):
        if value.get("Ref") == logical_id:
            return True
        if "Fn::GetAtt" in value and value["Fn::GetAtt"][0] == logical_id:
            return True
        return any(references(v, logical_id) for v in value.values())
    if isinstance(value, list):
        return any(references(v, logical_id) for v in value)
    return False


def consumer_rule(template: Template, consumer) -> dict:
    """The bus rule of an event consumer (Events/<logical id>/Rule): found by its place in the
    stack, since two consumers may well want the same events."""
    (rule,) = [
        rule["Properties"]
        for logical_id, rule in resources(template, "AWS::Events::Rule").items()
        if logical_id.startswith(f"Events{consumer.logical_id}Rule")
    ]
    return rule


# What a table writer is granted (deletes are granted apart, only where the code deletes) ...
DYNAMODB_WRITES = {"dynamodb:PutItem", "dynamodb:UpdateItem"}
# ... and every action that changes an item, none of which a reader may have.
DYNAMODB_CHANGES = DYNAMODB_WRITES | {"dynamodb:DeleteItem", "dynamodb:BatchWriteItem"}
