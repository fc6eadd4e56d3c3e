"""The notification topic, the signing-secrets key and who may use them."""

from casetrail.store.tables import NOTIFICATIONS_TABLE
from casetrail.topology import (
    API_HANDLER,
    CASE_LINK_BASE_URL_ENV_VAR,
    NOTIFICATION_CONSUMER_HANDLER,
    NOTIFICATION_TOPIC_ENV_VAR,
    SIGNING_KEY_ENV_VAR,
)
from tests.infrastructure.resources import as_list, function_id, output_ref, references, resources, role_statements, table_id


def _actions_on(template, handler: str, logical_id: str) -> set[str]:
    return {
        action
        for statement in role_statements(template, function_id(template, handler))
        if references(statement["Resource"], logical_id)
        for action in as_list(statement["Action"])
    }


def _signing_key_id(template) -> str:
    (key_id,) = [
        logical_id
        for logical_id, key in resources(template, "AWS::KMS::Key").items()
        if key["Properties"].get("Description") == "Casetrail webhook signing secrets"
    ]
    return key_id


def _variables(template, handler: str) -> dict:
    return resources(template, "AWS::Lambda::Function")[function_id(template, handler)]["Properties"]["Environment"]["Variables"]


def test_notification_topic_is_encrypted_with_its_own_key_and_refuses_plain_http(template):
    topic_id = output_ref(template, "NotificationTopicArn")
    topic = resources(template, "AWS::SNS::Topic")[topic_id]["Properties"]
    key_id = topic["KmsMasterKeyId"]["Fn::GetAtt"][0]
    assert resources(template, "AWS::KMS::Key")[key_id]["Properties"]["EnableKeyRotation"] is True
    assert any(
        references(policy["Properties"]["Topics"], topic_id)
        and any(s["Effect"] == "Deny" and s.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport") == "false"
                for s in policy["Properties"]["PolicyDocument"]["Statement"])
        for policy in resources(template, "AWS::SNS::TopicPolicy").values()
    )


def test_the_api_may_encrypt_but_never_decrypt_signing_secrets(template):
    actions = _actions_on(template, API_HANDLER, _signing_key_id(template))
    assert actions == {"kms:Encrypt"}


def test_the_consumer_may_decrypt_but_never_encrypt_signing_secrets(template):
    actions = _actions_on(template, NOTIFICATION_CONSUMER_HANDLER, _signing_key_id(template))
    assert actions == {"kms:Decrypt"}


def test_the_api_subscribes_addresses_and_the_consumer_publishes(template):
    topic_id = output_ref(template, "NotificationTopicArn")
    assert _actions_on(template, API_HANDLER, topic_id) == {"sns:Subscribe", "sns:Unsubscribe"}
    assert _actions_on(template, NOTIFICATION_CONSUMER_HANDLER, topic_id) == {"sns:Publish"}


def test_both_sides_are_told_the_table_topic_and_key(template):
    for handler in (API_HANDLER, NOTIFICATION_CONSUMER_HANDLER):
        variables = _variables(template, handler)
        assert {NOTIFICATIONS_TABLE.env_var, NOTIFICATION_TOPIC_ENV_VAR, SIGNING_KEY_ENV_VAR} <= set(variables)
        assert "dynamodb:PutItem" in _actions_on(template, handler, table_id(template, NOTIFICATIONS_TABLE))
    assert CASE_LINK_BASE_URL_ENV_VAR in _variables(template, NOTIFICATION_CONSUMER_HANDLER)


def test_deployed_webhooks_never_reach_loopback(template):
    for function in resources(template, "AWS::Lambda::Function").values():
        assert "ALLOW_LOOPBACK_WEBHOOKS" not in function["Properties"].get("Environment", {}).get("Variables", {})


def test_the_notifications_consumer_takes_one_event_per_invocation(template):
    # Its deliveries share the function's time: a second event in the batch would wait behind the
    # first one's slow receivers.
    consumer_id = function_id(template, NOTIFICATION_CONSUMER_HANDLER)
    (mapping,) = [
        m["Properties"]
        for m in resources(template, "AWS::Lambda::EventSourceMapping").values()
        if m["Properties"]["FunctionName"] == {"Ref": consumer_id}
    ]
    assert mapping["BatchSize"] == 1


def test_the_consumer_reads_a_cases_watchers_and_changes_no_case(template):
    from casetrail.store.tables import CASES_TABLE

    actions = _actions_on(template, NOTIFICATION_CONSUMER_HANDLER, table_id(template, CASES_TABLE))
    assert "dynamodb:Query" in actions
    assert not actions & {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"}
