"""Administration: create tenants and issue, list and revoke API keys; set a tenant's pricing and
reconcile a month's billing.

    python -m casetrail.admin --local issue-key --tenant demo --name "Ana" --role agent
    python -m casetrail.admin --stack Casetrail create-tenant acme --name "Acme Ltd"
    python -m casetrail.admin --local set-pricing --tenant acme --unit-price 0.20 --currency EUR --free-cases 50
    python -m casetrail.admin --local reconcile --tenant acme --month 2026-11
    python -m casetrail.admin --local load-rules config/rules.json

--local talks to `make run`'s emulation; --stack finds the tables of a deployed stack from its
CloudFormation outputs, using your usual AWS credentials. Keys are printed once, never stored.
"""

import argparse
import json
import os
import sys
from pathlib import Path

import boto3

from pydantic import TypeAdapter, ValidationError

from casetrail.domain.billing import Pricing
from casetrail.domain.identity import Role
from casetrail.domain.rules import NewRule
from casetrail.service.billing import reconcile_month
from casetrail.service.rules import load_rules
from casetrail.store.access import AccessRepository, TenantNotFound
from casetrail.store.cases import CaseRepository
from casetrail.store.dynamo import Table
from casetrail.store.rules import RuleRepository
from casetrail.store.tables import ACCESS_TABLE, CASES_TABLE, USAGE_TABLE, TableSpec
from casetrail.store.usage import UsageRepository

BILLING_COMMANDS = ("set-pricing", "reconcile")


def _local_table(spec: TableSpec) -> Table:
    endpoint = f"http://127.0.0.1:{os.environ.get('MOTO_PORT', '5055')}"
    client = boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    return Table(f"casetrail-local-{spec.logical_id.lower()}", client=client)


def _stack_table(stack_name: str, spec: TableSpec) -> Table:
    stack = boto3.client("cloudformation").describe_stacks(StackName=stack_name)["Stacks"][0]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    output = f"{spec.logical_id}TableName"  # the stack exports every table's name under this
    if output not in outputs:
        sys.exit(f"stack {stack_name} has no {output} output")
    return Table(outputs[output])


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

    pricing = commands.add_parser("set-pricing", help="give a tenant its own pricing (else the stack's default applies)")
    pricing.add_argument("--tenant", required=True)
    pricing.add_argument("--unit-price", help="per case, e.g. 0.25")
    pricing.add_argument("--currency", help="ISO 4217, e.g. USD")
    pricing.add_argument("--free-cases", type=int, default=0, help="free cases per month")
    pricing.add_argument("--task-unit-price", help="per task; tasks are not billed when omitted")
    pricing.add_argument("--clear", action="store_true", help="remove the tenant's pricing: the default applies")

    reconcile = commands.add_parser("reconcile", help="compare a month's billed cases with the cases created in it")
    reconcile.add_argument("--tenant", required=True)
    reconcile.add_argument("--month", required=True, help="YYYY-MM (UTC)")
    rules = commands.add_parser("load-rules", help="install the rules of a file ({tenant: [rule, ...]}), replacing same-named ones")
    rules.add_argument("file", help="e.g. config/rules.json")
    return parser


def run_load_rules(path: str, repository: RuleRepository) -> dict:
    try:
        by_tenant = TypeAdapter(dict[str, list[NewRule]]).validate_json(Path(path).read_bytes())
    except ValidationError as error:
        raise SystemExit(f"invalid rules in {path}: {error}") from None
    return {tenant: [r.rule_id for r in load_rules(repository, tenant, commands)] for tenant, commands in by_tenant.items()}


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


def run_billing(arguments: argparse.Namespace, usage: UsageRepository, cases: CaseRepository) -> dict:
    if arguments.command == "reconcile":
        return reconcile_month(usage, cases, arguments.tenant, arguments.month).to_wire()
    if arguments.clear:
        usage.set_pricing(arguments.tenant, None)
        return {"tenantId": arguments.tenant, "pricing": None}
    try:
        pricing = Pricing(
            unit_price=arguments.unit_price,
            currency=arguments.currency,
            free_cases_per_month=arguments.free_cases,
            task_unit_price=arguments.task_unit_price,
        )
    except ValidationError as error:
        raise SystemExit(f"invalid pricing: {error}") from None
    usage.set_pricing(arguments.tenant, pricing)
    return {"tenantId": arguments.tenant, "pricing": pricing.to_wire()}


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)

    def table(spec: TableSpec) -> Table:
        return _local_table(spec) if arguments.local else _stack_table(arguments.stack, spec)

    if arguments.command == "load-rules":
        result = run_load_rules(arguments.file, RuleRepository(table(CASES_TABLE)))
    elif arguments.command in BILLING_COMMANDS:
        result = run_billing(arguments, UsageRepository(table(USAGE_TABLE)), CaseRepository(table(CASES_TABLE)))
    else:
        result = run(arguments, AccessRepository(table(ACCESS_TABLE)))
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
