"""Administration: create tenants and issue, list and revoke API keys; invite and disable people;
set a tenant's pricing and reconcile a month's billing; redrive a consumer's dead-letter queue.

    casetrail-admin --local issue-key --tenant demo --name "Ana" --role agent
    casetrail-admin --stack Casetrail create-tenant acme --name "Acme Ltd"
    casetrail-admin --local set-pricing --tenant acme --unit-price 0.20 --currency EUR --free-cases 50
    casetrail-admin --local reconcile --tenant acme --month 2026-11
    casetrail-admin --stack Casetrail redrive --consumer Billing --max 100
    casetrail-admin --local rebuild-metrics --tenant demo --from 2026-11-01 --to 2026-11-30
    casetrail-admin --local load-templates --tenant demo --file config/templates.json
    casetrail-admin --local set-sla-calendar --tenant acme --file acme-calendar.json
    casetrail-admin --local load-rules config/rules.json
    casetrail-admin --stack Casetrail republish --failed-batches
    casetrail-admin --local republish --from 2026-11-30T09:00:00Z --to 2026-11-30T10:00:00Z
    casetrail-admin --local invite-user --tenant demo --email ben@example.com --name "Ben Agent" --role agent
    casetrail-admin --local set-user-queues --tenant demo --email ben@example.com --queues billing,refunds
    casetrail-admin --local disable-user --tenant demo --email ben@example.com
    casetrail-admin --stack Casetrail migrate
    casetrail-admin --stack Casetrail reindex [--tenant acme]

`casetrail-admin` is installed into the virtual environment (`.venv/bin/casetrail-admin`);
`python -m casetrail.admin` is the same command. --local talks to `make run`'s emulation (at
MOTO_PORT, 5055 by default, as `make run` uses); --stack finds the tables (and queues) of a deployed
stack from its CloudFormation outputs, using your usual AWS credentials. Keys are printed once,
never stored.
"""

import argparse
import json
import os
import socket
import sys
from datetime import date, datetime
from pathlib import Path

import boto3
from botocore.exceptions import ClientError
from pydantic import TypeAdapter, ValidationError

from casetrail.dead_letters import redrive
from casetrail.republish import Bus, republish_failed_batches, republish_window
from casetrail.domain.billing import Pricing
from casetrail.domain.identity import Role, valid_tenant_id
from casetrail.deployment_names import DEFAULT_FCR_REOPEN_DAYS
from casetrail.domain.rules import NewRule
from casetrail.domain.sla_clock import BusinessCalendar
from casetrail.domain.tenant_limits import usage_identifier_key
from casetrail.service.billing import reconcile_month
from casetrail.service.declared_templates import load_declared_templates
from casetrail.service.metrics import rebuild_comparison
from casetrail.service.rules import load_rules
from casetrail.service.templates import TemplateService
from casetrail.store.access import AccessRepository, TenantNotFound
from casetrail.store.cases import CaseRepository
from casetrail.store.dynamo import Table
from casetrail.store.metrics import MetricsRepository
from casetrail.store.migration import KeyDesignMigration
from casetrail.store.outbox import CreatedCases, OutboxReader
from casetrail.store.tables import ACCESS_TABLE, ALL_TABLES, CASES_TABLE, METRICS_TABLE, NOTIFICATIONS_TABLE, TASKS_TABLE, USAGE_TABLE, USERS_TABLE, TableSpec
from casetrail.store.rules import RuleRepository
from casetrail.store.sla_calendars import SlaCalendarRepository
from casetrail.store.templates import DefinitionRepository
from casetrail.store.usage import UsageRepository
from casetrail.topology import EVENT_CONSUMERS, SEARCH
from casetrail.reindex import reindex
from casetrail.store.event_details import store_detail
from casetrail.domain.users import UserRole
from casetrail.local_user_pool import find_local_user_pool
from casetrail.outbound.user_pool import CognitoUserPool, NoSuchUser, UserAlreadyExists
from casetrail.outbound.email_channel import EmailChannel
from casetrail.service.people import PeopleAdministration, UserNotInTenant
from casetrail.service.user_channels import UserChannels
from casetrail.store.user_channels import UserChannelRepository
from casetrail.store.users import UserRepository

BILLING_COMMANDS = ("set-pricing", "reconcile")


LOCAL_PREFIX = "casetrail-local"  # how `make run` names its tables, queues and bus
LOCAL_NOTIFICATION_TOPIC = f":{LOCAL_PREFIX}-notifications"  # local/emulator.py
FAILED_BATCHES_OUTPUT = "PublisherFailedBatchesQueueUrl"  # infra/constructs/stream_publisher.py
DEFAULT_MOTO_PORT = "5055"  # as local/run.py


def _local_endpoint() -> str:
    return f"http://127.0.0.1:{os.environ.get('MOTO_PORT', DEFAULT_MOTO_PORT)}"


def require_local_runner(endpoint: str | None = None) -> None:
    """Exits with what to do when `make run`'s emulation does not answer (rather than botocore's
    retries and a connection error naming no cause)."""
    endpoint = endpoint or _local_endpoint()
    port = int(endpoint.rsplit(":", 1)[1])
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        raise SystemExit(
            f"--local: nothing answers at {endpoint}, where `make run` keeps its AWS emulation. Start `make run` "
            "first; if it runs with another MOTO_PORT, set MOTO_PORT to the same value here."
        ) from None


def _tenant_id(value: str) -> str:
    try:
        return valid_tenant_id(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _local_client(service: str):
    endpoint = _local_endpoint()
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def _local_table(spec: TableSpec) -> Table:
    return Table(f"{LOCAL_PREFIX}-{spec.logical_id.lower()}", client=_local_client("dynamodb"))


def _stack_output(stack_name: str, output: str) -> str:
    stack = boto3.client("cloudformation").describe_stacks(StackName=stack_name)["Stacks"][0]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    if output not in outputs:
        sys.exit(f"stack {stack_name} has no {output} output")
    return outputs[output]


def _stack_table(stack_name: str, spec: TableSpec) -> Table:
    return Table(_stack_output(stack_name, f"{spec.logical_id}TableName"))  # every table's name is an output


def local_queue_urls(sqs, consumer: str) -> tuple[str, str]:
    """(dead-letter queue, source queue) of a consumer in `make run`'s emulation."""
    name = f"{LOCAL_PREFIX}-{consumer.lower()}"
    return sqs.get_queue_url(QueueName=f"{name}-dlq")["QueueUrl"], sqs.get_queue_url(QueueName=name)["QueueUrl"]


def _stack_queue_urls(stack_name: str, consumer: str) -> tuple[str, str]:
    # infra/constructs/consumers.py exports both queue URLs of every consumer under these names.
    return (
        _stack_output(stack_name, f"{consumer}DeadLetterQueueUrl"),
        _stack_output(stack_name, f"{consumer}QueueUrl"),
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="casetrail-admin", description=__doc__.split("\n")[0])
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--local", action="store_true", help="the emulation started by `make run`")
    target.add_argument("--stack", help="the name of a deployed Casetrail stack")
    commands = parser.add_subparsers(dest="command", required=True)

    tenant = commands.add_parser("create-tenant", help="create a tenant")
    tenant.add_argument("tenant_id", type=_tenant_id, help="1 to 64 letters, digits, '.', '_' or '-'")
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

    calendar = commands.add_parser("set-sla-calendar", help="give a tenant its own business calendar for SLA clocks")
    calendar.add_argument("--tenant", required=True)
    calendar.add_argument("--file", required=True, type=Path, help="{timeZone, hours: {mon..sun: [{opens, closes}]}, holidays}")

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

    moving = commands.add_parser("redrive", help="move a consumer's dead-letter messages back to its queue (after fixing the cause)")
    moving.add_argument("--consumer", required=True, choices=[c.logical_id for c in EVENT_CONSUMERS])
    moving.add_argument("--max", type=int, default=None, help="move at most this many messages")
    again = commands.add_parser("republish", help="publish again the events the stream publisher gave up on (same eventIds)")
    source = again.add_mutually_exclusive_group(required=True)
    source.add_argument("--failed-batches", action="store_true", help="every window the publisher's failed-batches queue names (each message deleted once done)")
    source.add_argument("--from", dest="start", type=_instant, help="ISO 8601 with a zone: republish the audit records changed from then...")
    again.add_argument("--to", dest="end", type=_instant, help="...until then (inclusive)")
    again.add_argument("--max", type=int, default=None, help="with --failed-batches: at most this many messages")
    rebuild = commands.add_parser(
        "rebuild-metrics", help="recompute a range's metrics from the cases created in it and compare them with the aggregates"
    )
    rebuild.add_argument("--tenant", required=True)
    rebuild.add_argument("--from", dest="start", required=True, type=date.fromisoformat, help="YYYY-MM-DD (UTC)")
    rebuild.add_argument("--to", dest="end", required=True, type=date.fromisoformat, help="YYYY-MM-DD (UTC), inclusive")
    rebuild.add_argument("--fcr-reopen-days", type=int, default=DEFAULT_FCR_REOPEN_DAYS, help="as deployed (cdk.json)")
    templates = commands.add_parser("load-templates", help="upsert a tenant's fields and templates from a JSON file")
    templates.add_argument("--tenant", required=True)
    templates.add_argument("--file", required=True, type=Path)
    invite = commands.add_parser("invite-user", help="invite a person into a tenant with a role (Cognito emails a temporary password)")
    invite.add_argument("--tenant", required=True)
    invite.add_argument("--email", required=True)
    invite.add_argument("--name", required=True)
    invite.add_argument("--role", required=True, choices=[r.value for r in UserRole])
    invite.add_argument("--queues", type=_queue_list, default=[], help="the task queues they work, comma-separated (e.g. billing,refunds)")
    queues = commands.add_parser("set-user-queues", help="replace the task queues a person works (their workspace lists these queues' tasks)")
    queues.add_argument("--tenant", required=True)
    queues.add_argument("--email", required=True)
    queues.add_argument("--queues", required=True, type=_queue_list, help="comma-separated; empty (\"\") for none")
    disable = commands.add_parser("disable-user", help="disable a person: refused by the API within 60 s, signed out everywhere")
    disable.add_argument("--tenant", required=True)
    disable.add_argument("--email", required=True)
    reindexing = commands.add_parser("reindex", help="feed the search index every case event again (backfill, rebuild)")
    reindexing.add_argument("--tenant", type=_tenant_id, help="only this tenant's cases (default: all)")
    rules = commands.add_parser("load-rules", help="install the rules of a file ({tenant: [rule, ...]}), replacing same-named ones")
    rules.add_argument("file", help="e.g. config/rules.json")
    migrate = commands.add_parser(
        "migrate", help="bring items to the current key design (idempotent, resumable: run it again to continue; progress on stderr)"
    )
    migrate.add_argument("--max-pages", type=int, default=None, help="stop after this many pages of a step (a re-run continues)")
    return parser


def _queue_list(text: str) -> list[str]:
    return text.split(",")  # blanks and repeats are dropped by PeopleAdministration


def run_set_sla_calendar(arguments: argparse.Namespace, calendars: SlaCalendarRepository) -> dict:
    try:
        calendar = BusinessCalendar.model_validate_json(arguments.file.read_bytes())
    except ValidationError as error:
        raise SystemExit(f"invalid calendar in {arguments.file}: {error}") from None
    calendars.put(arguments.tenant, calendar)
    return {"tenantId": arguments.tenant, "calendar": calendar.model_dump(by_alias=True, mode="json")}


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


def meter_tenant(apigateway, *, stack_name: str, api_id: str, usage_plan_id: str, tenant_id: str) -> dict:
    """Gives a tenant its meter in the stack's usage plan (idempotent): the API key whose value the
    authorizer names for this tenant. Without it, the tenant's requests are refused (403)."""
    name = f"{stack_name}-{tenant_id}"
    existing = apigateway.get_api_keys(nameQuery=name, limit=500)["items"]
    key_id = next((key["id"] for key in existing if key["name"] == name), None)
    if key_id is None:
        key_id = apigateway.create_api_key(
            name=name,
            description=f"Meters Casetrail tenant {tenant_id}'s requests (never presented by clients)",
            enabled=True,
            value=usage_identifier_key(api_id, tenant_id),
        )["id"]
    try:
        apigateway.create_usage_plan_key(usagePlanId=usage_plan_id, keyId=key_id, keyType="API_KEY")
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConflictException":  # already in the plan
            raise
    return {"usagePlanId": usage_plan_id, "apiKeyId": key_id}


def _meter_in_stack(stack_name: str, tenant_id: str) -> dict:
    return meter_tenant(
        boto3.client("apigateway"),
        stack_name=stack_name,
        api_id=_stack_output(stack_name, "RestApiId"),
        usage_plan_id=_stack_output(stack_name, "TenantUsagePlanId"),
        tenant_id=tenant_id,
    )


def run_billing(arguments: argparse.Namespace, usage: UsageRepository, cases: CreatedCases) -> dict:
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


def _event_details_bucket(arguments: argparse.Namespace) -> tuple[str, object]:
    """The bucket of event details too large for the bus (the publisher's claim checks), and its client."""
    if arguments.local:
        return f"{LOCAL_PREFIX}-event-details", _local_client("s3")
    return _stack_output(arguments.stack, "EventDetailsBucketName"), boto3.client("s3")


def run_reindex(arguments: argparse.Namespace, cases: Table) -> dict:
    sqs = _local_client("sqs") if arguments.local else boto3.client("sqs")
    _, queue_url = local_queue_urls(sqs, SEARCH.logical_id) if arguments.local else _stack_queue_urls(arguments.stack, SEARCH.logical_id)
    bucket, s3 = _event_details_bucket(arguments)
    result = reindex(cases, sqs, queue_url, lambda detail: store_detail(bucket, detail, s3=s3), tenant_id=arguments.tenant)
    return {"tenantId": arguments.tenant, "scanned": result.scanned, "sent": result.sent, "claimChecked": result.claim_checked}


def run_redrive(arguments: argparse.Namespace, sqs, dead_letter_url: str, source_url: str, wait_seconds: int = 1) -> dict:
    result = redrive(sqs, dead_letter_url=dead_letter_url, source_url=source_url, max_messages=arguments.max, wait_seconds=wait_seconds)
    return {"consumer": arguments.consumer, "moved": result.moved, "failed": result.failed}
def run_republish(arguments: argparse.Namespace, bus: Bus, outboxes: list[OutboxReader], sqs=None, failed_batches_url: str | None = None, wait_seconds: int = 1) -> dict:
    if arguments.failed_batches:
        by_table = {outbox.table_name: outbox for outbox in outboxes}
        result = republish_failed_batches(sqs, failed_batches_url, bus, by_table, max_messages=arguments.max, wait_seconds=wait_seconds)
        return {"failedBatches": result.batches, "republished": result.republished}
    if arguments.end is None or arguments.end < arguments.start:
        raise SystemExit("republish --from needs --to, not before it")
    count = sum(republish_window(bus, outbox, arguments.start, arguments.end) for outbox in outboxes)
    return {"from": arguments.start.isoformat(), "to": arguments.end.isoformat(), "republished": count}


def _instant(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text} has no time zone (add Z for UTC)")
    return moment


def run_people(arguments: argparse.Namespace, people: PeopleAdministration) -> dict:
    try:
        if arguments.command == "invite-user":
            user = people.invite(
                arguments.tenant, email=arguments.email, name=arguments.name, role=UserRole(arguments.role), queues=arguments.queues
            )
        elif arguments.command == "set-user-queues":
            user = people.set_queues(arguments.tenant, arguments.email, arguments.queues)
        else:
            user = people.disable(arguments.tenant, arguments.email)
    except TenantNotFound:
        raise SystemExit(f"no tenant {arguments.tenant}: create it first") from None
    except UserAlreadyExists:
        raise SystemExit(f"{arguments.email} already has an account") from None
    except (NoSuchUser, UserNotInTenant):
        raise SystemExit(f"{arguments.email} is not a user of tenant {arguments.tenant}") from None
    except ValidationError as error:
        raise SystemExit(f"invalid queues {arguments.queues}: {error}") from None
    return {"tenantId": arguments.tenant, **user.to_wire()}


def _user_pool(arguments: argparse.Namespace) -> CognitoUserPool:
    if arguments.local:
        client = _local_client("cognito-idp")
        return CognitoUserPool(client, find_local_user_pool(client)[0])
    return CognitoUserPool(boto3.client("cognito-idp"), _stack_output(arguments.stack, "UserPoolId"))


def run_migrate(arguments: argparse.Namespace, cases: Table, tasks: Table, access: Table) -> dict:
    migration = KeyDesignMigration(cases=cases, tasks=tasks, access=access, progress=lambda line: print(line, file=sys.stderr, flush=True))
    return migration.run(max_pages=arguments.max_pages)


def _user_channels(arguments: argparse.Namespace, table) -> UserChannels:
    """People's email channels: the notification topic (the stack's output; locally the runner's)."""
    if arguments.local:
        sns = _local_client("sns")
        topic_arn = next(t["TopicArn"] for t in sns.list_topics()["Topics"] if t["TopicArn"].endswith(LOCAL_NOTIFICATION_TOPIC))
    else:
        sns, topic_arn = boto3.client("sns"), _stack_output(arguments.stack, "NotificationTopicArn")
    return UserChannels(UserChannelRepository(table(NOTIFICATIONS_TABLE)), EmailChannel(sns, topic_arn))


def run_rebuild(arguments: argparse.Namespace, metrics: MetricsRepository, cases: CaseRepository) -> dict:
    created = CreatedCases(cases.table)
    return rebuild_comparison(metrics, cases, arguments.tenant, arguments.start, arguments.end, reopen_days=arguments.fcr_reopen_days, created=created)


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    if arguments.local:
        require_local_runner()

    def table(spec: TableSpec) -> Table:
        return _local_table(spec) if arguments.local else _stack_table(arguments.stack, spec)

    if arguments.command == "migrate":
        result = run_migrate(arguments, table(CASES_TABLE), table(TASKS_TABLE), table(ACCESS_TABLE))
        print(json.dumps(result, indent=2))
        return 0 if result["done"] else 3  # unfinished (--max-pages): run it again to continue
    if arguments.command == "rebuild-metrics":
        result = run_rebuild(arguments, MetricsRepository(table(METRICS_TABLE)), CaseRepository(table(CASES_TABLE)))
        print(json.dumps(result, indent=2))
        return 1 if result["differences"] else 0  # a mismatch fails the command (and a CI job)
    if arguments.command == "republish":
        streamed = [OutboxReader(table(spec)) for spec in ALL_TABLES if spec.stream]
        if arguments.local:
            if arguments.failed_batches:
                raise SystemExit("make run has no failed-batches queue (its stream poller prints what it gave up on): use --from/--to")
            result = run_republish(arguments, Bus(_local_client("events"), LOCAL_PREFIX, *_event_details_bucket(arguments)), streamed)
        else:
            bus = Bus(boto3.client("events"), _stack_output(arguments.stack, "EventBusName"), *_event_details_bucket(arguments))
            url = _stack_output(arguments.stack, FAILED_BATCHES_OUTPUT) if arguments.failed_batches else None
            result = run_republish(arguments, bus, streamed, boto3.client("sqs"), url)
    elif arguments.command == "reindex":
        result = run_reindex(arguments, table(CASES_TABLE))
    elif arguments.command == "redrive":
        sqs = _local_client("sqs") if arguments.local else boto3.client("sqs")
        urls = local_queue_urls(sqs, arguments.consumer) if arguments.local else _stack_queue_urls(arguments.stack, arguments.consumer)
        result = run_redrive(arguments, sqs, *urls)
    elif arguments.command == "load-templates":
        try:
            loaded = load_declared_templates(TemplateService(DefinitionRepository(table(CASES_TABLE))), arguments.tenant, arguments.file)
        except ValidationError as error:
            raise SystemExit(f"invalid {arguments.file}: {error}") from None
        result = {"tenantId": arguments.tenant, **loaded}
    elif arguments.command == "load-rules":
        result = run_load_rules(arguments.file, RuleRepository(table(CASES_TABLE)))
    elif arguments.command == "set-sla-calendar":
        result = run_set_sla_calendar(arguments, SlaCalendarRepository(table(CASES_TABLE)))
    elif arguments.command in ("invite-user", "set-user-queues", "disable-user"):
        people = PeopleAdministration(
            _user_pool(arguments), UserRepository(table(USERS_TABLE)), AccessRepository(table(ACCESS_TABLE)), _user_channels(arguments, table)
        )
        result = run_people(arguments, people)
    elif arguments.command in BILLING_COMMANDS:
        result = run_billing(arguments, UsageRepository(table(USAGE_TABLE)), CreatedCases(table(CASES_TABLE)))
    else:
        result = run(arguments, AccessRepository(table(ACCESS_TABLE)))
        if arguments.command == "create-tenant" and arguments.stack:
            # Also for a tenant that exists: tenants created before per-tenant limits get their meter.
            result["limits"] = _meter_in_stack(arguments.stack, arguments.tenant_id)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
