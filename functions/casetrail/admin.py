"""Administration: create tenants and issue, list and revoke API keys.

    python -m casetrail.admin --local issue-key --tenant demo --name "Ana" --role agent
    python -m casetrail.admin --stack Casetrail create-tenant acme --name "Acme Ltd"

--local talks to `make run`'s emulation; --stack finds the access table of a deployed stack from
its CloudFormation outputs, using your usual AWS credentials. Keys are printed once, never stored.
"""

import argparse
import json
import os
import sys

import boto3

from casetrail.domain.identity import Role
from casetrail.store.access import AccessRepository, TenantNotFound
from casetrail.store.dynamo import Table

LOCAL_ACCESS_TABLE = "casetrail-local-access"
ACCESS_TABLE_OUTPUT = "AccessTableName"


def _local_table() -> Table:
    endpoint = f"http://127.0.0.1:{os.environ.get('MOTO_PORT', '5055')}"
    client = boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    return Table(LOCAL_ACCESS_TABLE, client=client)


def _stack_table(stack_name: str) -> Table:
    stack = boto3.client("cloudformation").describe_stacks(StackName=stack_name)["Stacks"][0]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    if ACCESS_TABLE_OUTPUT not in outputs:
        sys.exit(f"stack {stack_name} has no {ACCESS_TABLE_OUTPUT} output")
    return Table(outputs[ACCESS_TABLE_OUTPUT])


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m casetrail.admin", description=__doc__.split("\n")[0])
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--local", action="store_true", help="the emulation started by `make run`")
    target.add_argument("--stack", help="the name of a deployed Casetrail stack")
    commands = parser.add_subparsers(dest="command", required=True)

    tenant = commands.add_parser("create-tenant", help="create a tenant")
    tenant.add_argument("tenant_id")
    tenant.add_argument("--name", required=True)

    issue = commands.add_parser("issue-key", help="issue an API key to a new principal of a tenant")
    issue.add_argument("--tenant", required=True)
    issue.add_argument("--name", required=True, help="who or what holds the key")
    issue.add_argument("--role", required=True, choices=[r.value for r in Role])

    listing = commands.add_parser("list-keys", help="list a tenant's keys (never the secrets)")
    listing.add_argument("--tenant", required=True)

    revoke = commands.add_parser("revoke-key", help="revoke a key")
    revoke.add_argument("--tenant", required=True)
    revoke.add_argument("--key-id", required=True)
    return parser


def run(arguments: argparse.Namespace, access: AccessRepository) -> dict:
    if arguments.command == "create-tenant":
        created = access.create_tenant(arguments.tenant_id, arguments.name)
        return {"tenantId": arguments.tenant_id, "created": created}
    if arguments.command == "issue-key":
        try:
            issued = access.issue_key(arguments.tenant, arguments.name, Role(arguments.role))
        except TenantNotFound:
            raise SystemExit(f"no tenant {arguments.tenant}: create it first") from None
        return {"keyId": issued.key_id, "apiKey": issued.api_key, **issued.principal.model_dump(by_alias=True, mode="json")}
    if arguments.command == "list-keys":
        return {
            "keys": [
                {"keyId": k.key_id, "name": k.principal.name, "role": k.principal.role.value, "createdAt": k.created_at, "revokedAt": k.revoked_at}
                for k in access.list_keys(arguments.tenant)
            ]
        }
    revoked = access.revoke_key(arguments.tenant, arguments.key_id)
    if not revoked:
        raise SystemExit(f"tenant {arguments.tenant} has no key {arguments.key_id}")
    return {"keyId": arguments.key_id, "revoked": True}


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    table = _local_table() if arguments.local else _stack_table(arguments.stack)
    print(json.dumps(run(arguments, AccessRepository(table)), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
