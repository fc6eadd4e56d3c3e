"""The environment the handlers see locally: the variables the deployed functions get, pointed at moto.

Applied to os.environ before any handler module is imported, because Powertools and the handlers
read their configuration at import or on first use.
"""

import json
import os
import tempfile
from pathlib import Path

from casetrail.configuration import function_environment
from casetrail.store.tables import ALL_TABLES, TableSpec
from casetrail.topology import (
    ALLOW_LOOPBACK_WEBHOOKS_ENV_VAR,
    CASE_LINK_BASE_URL_ENV_VAR,
    CONNECT_INSTANCES_ENV_VAR,
    EVENT_BUS_ENV_VAR,
    EVENT_DETAILS_BUCKET_ENV_VAR,
    FILES_BUCKET_ENV_VAR,
    NOTIFICATION_TOPIC_ENV_VAR,
    PAGE_TOKEN_SECRET_ENV_VAR,
    SEARCH_DATABASE_ENV_VAR,
    SIGNING_KEY_ENV_VAR,
)

REGION = "us-east-1"
ACCOUNT_ID = "123456789012"  # moto's default account
API_ID = "local"
STAGE = "local"
NAME_PREFIX = "casetrail-local"
EVENT_BUS_NAME = NAME_PREFIX
FILES_BUCKET_NAME = f"{NAME_PREFIX}-files"
EVENT_DETAILS_BUCKET_NAME = f"{NAME_PREFIX}-event-details"
# The demo Connect instance of the samples in events/connect, mapped to the demo tenant.
DEMO_CONNECT_INSTANCE_ARN = "arn:aws:connect:us-east-1:111122223333:instance/demo"


def table_name(spec: TableSpec) -> str:
    return f"{NAME_PREFIX}-{spec.logical_id.lower()}"


def apply_notification_resources(topic_arn: str, signing_key_id: str, api_url: str, page_token_secret_arn: str) -> None:
    """What only exists once the emulation is provisioned; set before any handler runs."""
    os.environ.update(
        {
            PAGE_TOKEN_SECRET_ENV_VAR: page_token_secret_arn,
            NOTIFICATION_TOPIC_ENV_VAR: topic_arn,
            SIGNING_KEY_ENV_VAR: signing_key_id,
            CASE_LINK_BASE_URL_ENV_VAR: api_url,
            # Locally a webhook receiver is a process on this machine; deployed, never.
            ALLOW_LOOPBACK_WEBHOOKS_ENV_VAR: "true",
        }
    )


SLA_POLICIES_FILE_ENV_VAR = "SLA_POLICIES_FILE"


def deployment_context() -> dict:
    """cdk.json's context: the settings the stack deploys (price list, SLA policies, API limits...)."""
    return json.loads((Path(__file__).resolve().parents[1] / "cdk.json").read_text())["context"]


def _deployment_settings() -> dict[str, str]:
    # For a demo, SLA_POLICIES_FILE=config/sla-demo.json swaps in policies that breach within minutes.
    context = deployment_context()
    if os.environ.get(SLA_POLICIES_FILE_ENV_VAR):
        context["casetrail:slaPolicies"] = json.loads(Path(os.environ[SLA_POLICIES_FILE_ENV_VAR]).read_text())
    return function_environment(context.get)


def search_database(moto_port: int) -> Path:
    """The search index of the run on this moto port: a SQLite file the runner's API and its search
    consumer share (and `casetrail-admin --local` finds); empty at every start, as moto is."""
    return Path(tempfile.gettempdir()) / f"casetrail-local-search-{moto_port}.sqlite3"


def fresh_search_database(moto_port: int) -> Path:
    path = search_database(moto_port)
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    return path


def apply(moto_port: int) -> None:
    # Never reach real AWS: drop any profile or session from the developer's shell.
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        os.environ.pop(name, None)
    os.environ.update(
        {
            "AWS_ENDPOINT_URL": f"http://127.0.0.1:{moto_port}",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_EC2_METADATA_DISABLED": "true",
            "POWERTOOLS_TRACE_DISABLED": "true",
            "POWERTOOLS_METRICS_DISABLED": "true",
            "POWERTOOLS_SERVICE_NAME": "casetrail",
            EVENT_BUS_ENV_VAR: EVENT_BUS_NAME,
            FILES_BUCKET_ENV_VAR: FILES_BUCKET_NAME,
            EVENT_DETAILS_BUCKET_ENV_VAR: EVENT_DETAILS_BUCKET_NAME,
            **_deployment_settings(),
            CONNECT_INSTANCES_ENV_VAR: json.dumps({DEMO_CONNECT_INSTANCE_ARN: "demo"}),
            SEARCH_DATABASE_ENV_VAR: str(fresh_search_database(moto_port)),
            **{spec.env_var: table_name(spec) for spec in ALL_TABLES},
        }
    )
    # Handler logs stay quiet so the event lines stand out; POWERTOOLS_LOG_LEVEL=INFO brings them back.
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
