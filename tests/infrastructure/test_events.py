"""The event path: streamed tables -> publisher -> bus (archived) -> consumers."""

import json

import pytest

from casetrail.store.tables import ALL_TABLES, CASES_TABLE, TASKS_TABLE
from casetrail.topology import EVENT_BUS_ENV_VAR, STREAM_PUBLISHER_HANDLER
from tests.infrastructure.resources import function_id, output_ref, references, resources, table_id

AUDIT_INSERTS = {"eventName": ["INSERT"], "dynamodb": {"NewImage": {"entity": {"S": ["AUDIT"]}}}}


def test_custom_bus_is_named_after_the_stack_and_archived_for_replay(template):
    bus_id = output_ref(template, "EventBusName")
    assert resources(template, "AWS::Events::EventBus")[bus_id]["Properties"]["Name"] == "casetrail-Casetrail"
    (archive,) = resources(template, "AWS::Events::Archive").values()
    assert archive["Properties"]["SourceArn"] == {"Fn::GetAtt": [bus_id, "Arn"]}
    assert archive["Properties"]["RetentionDays"] >= 365


def _stream_mappings(template) -> list[dict]:
    return [
        mapping["Properties"]
        for mapping in resources(template, "AWS::Lambda::EventSourceMapping").values()
        if "StreamArn" in str(mapping["Properties"]["EventSourceArn"])
    ]


def _mapping_of(template, spec) -> dict:
    (properties,) = [
        p for p in _stream_mappings(template) if p["EventSourceArn"] == {"Fn::GetAtt": [table_id(template, spec), "StreamArn"]}
    ]
    return properties


@pytest.mark.parametrize("spec", [CASES_TABLE, TASKS_TABLE], ids=lambda spec: spec.logical_id)
def test_publisher_reads_only_audit_inserts_from_each_streamed_table(template, spec):
    properties = _mapping_of(template, spec)
    assert properties["FunctionName"] == {"Ref": function_id(template, STREAM_PUBLISHER_HANDLER)}
    (stream_filter,) = properties["FilterCriteria"]["Filters"]
    assert json.loads(stream_filter["Pattern"]) == AUDIT_INSERTS


def test_every_table_with_a_stream_is_published_and_no_other(template):
    assert len(_stream_mappings(template)) == len([spec for spec in ALL_TABLES if spec.stream])


@pytest.mark.parametrize("spec", [CASES_TABLE, TASKS_TABLE], ids=lambda spec: spec.logical_id)
def test_publisher_failures_are_isolated_bounded_and_kept(template, spec):
    properties = _mapping_of(template, spec)
    assert properties["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert properties["BisectBatchOnFunctionError"] is True
    assert 0 <= properties["MaximumRetryAttempts"] <= 10
    assert 60 <= properties["MaximumRecordAgeInSeconds"] <= 24 * 3600
    failures_queue_id = properties["DestinationConfig"]["OnFailure"]["Destination"]["Fn::GetAtt"][0]
    assert failures_queue_id in resources(template, "AWS::SQS::Queue")


def test_publisher_is_told_which_bus(template):
    publisher = resources(template, "AWS::Lambda::Function")[function_id(template, STREAM_PUBLISHER_HANDLER)]
    bus_id = output_ref(template, "EventBusName")
    assert publisher["Properties"]["Environment"]["Variables"][EVENT_BUS_ENV_VAR] == {"Ref": bus_id}


def test_every_queue_that_holds_failures_pages_ops(template):
    dead_letter_ids = {
        mapping["DestinationConfig"]["OnFailure"]["Destination"]["Fn::GetAtt"][0] for mapping in _stream_mappings(template)
    } | {
        queue["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
        for queue in resources(template, "AWS::SQS::Queue").values()
        if "RedrivePolicy" in queue["Properties"]
    }
    topic_id = output_ref(template, "OpsAlarmTopicArn")
    alarms = resources(template, "AWS::CloudWatch::Alarm").values()
    for queue_id in dead_letter_ids:
        assert any(
            alarm["Properties"]["MetricName"] == "ApproximateNumberOfMessagesVisible"
            and references(alarm["Properties"]["Dimensions"], queue_id)
            and alarm["Properties"]["AlarmActions"] == [{"Ref": topic_id}]
            for alarm in alarms
        ), f"no alarm on dead-letter queue {queue_id}"


def test_api_errors_and_publisher_lag_page_ops(template):
    metrics = {alarm["Properties"]["MetricName"] for alarm in resources(template, "AWS::CloudWatch::Alarm").values()}
    assert {"5XXError", "IteratorAge", "Errors"} <= metrics


def _stream_mapping(template) -> dict:
    (mapping,) = [
        m
        for m in resources(template, "AWS::Lambda::EventSourceMapping").values()
        if references(m["Properties"]["EventSourceArn"], table_id(template, CASES_TABLE))
    ]
    return mapping
