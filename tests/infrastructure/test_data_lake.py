"""The data lake: every bus event -> Firehose -> JSON lines in a private, date-partitioned bucket."""

import json

from casetrail.topology import EVENT_SOURCE
from infra.constructs.data_lake import DEFAULT_RETENTION_DAYS
from tests.infrastructure.resources import as_list, output_ref, references, resources


def _stream(template) -> tuple[str, dict]:
    ((stream_id, stream),) = resources(template, "AWS::KinesisFirehose::DeliveryStream").items()
    return stream_id, stream["Properties"]


def test_every_casetrail_event_on_the_bus_goes_unchanged_to_the_delivery_stream(template):
    stream_id, _ = _stream(template)
    (rule,) = [
        r["Properties"]
        for r in resources(template, "AWS::Events::Rule").values()
        if any(references(t["Arn"], stream_id) for t in r["Properties"]["Targets"])
    ]
    assert rule["EventPattern"] == {"source": [EVENT_SOURCE]}
    assert references(rule["EventBusName"], output_ref(template, "EventBusName"))
    (target,) = rule["Targets"]
    assert "InputTransformer" not in target and "Input" not in target and "InputPath" not in target
    role_policies = [
        p["Properties"]["PolicyDocument"]["Statement"]
        for p in resources(template, "AWS::IAM::Policy").values()
        if {"Ref": target["RoleArn"]["Fn::GetAtt"][0]} in p["Properties"]["Roles"]
    ]
    ((statement,),) = role_policies
    assert set(statement["Action"]) == {"firehose:PutRecord", "firehose:PutRecordBatch"}
    assert statement["Resource"] == {"Fn::GetAtt": [stream_id, "Arn"]}


def test_events_land_as_json_lines_partitioned_by_tenant_customer_bucket_and_date_with_errors_apart(template):
    _, stream = _stream(template)
    destination = stream["ExtendedS3DestinationConfiguration"]
    assert destination["Prefix"] == (
        "events/tenant=!{partitionKeyFromQuery:tenant}/customer=!{partitionKeyFromQuery:customer}/"
        "year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/"
    )
    assert destination["DynamicPartitioningConfiguration"]["Enabled"] is True
    assert destination["BufferingHints"]["SizeInMBs"] >= 64  # dynamic partitioning's minimum
    assert destination["ErrorOutputPrefix"].startswith("errors/!{firehose:error-output-type}/")
    extraction, processor = destination["ProcessingConfiguration"]["Processors"]
    assert extraction["Type"] == "MetadataExtraction"
    assert {p["ParameterName"]: p["ParameterValue"] for p in extraction["Parameters"]}["JsonParsingEngine"] == "JQ-1.6"
    assert destination["ProcessingConfiguration"]["Enabled"] is True
    assert processor["Type"] == "AppendDelimiterToRecord"
    assert processor["Parameters"] == [{"ParameterName": "Delimiter", "ParameterValue": "\\n"}]
    assert destination["CloudWatchLoggingOptions"]["Enabled"] is True
    assert stream["DeliveryStreamEncryptionConfigurationInput"] == {"KeyType": "AWS_OWNED_CMK"}


def test_the_bucket_is_private_encrypted_versioned_logged_tls_only_and_ages_out(template):
    _, stream = _stream(template)
    bucket_id = stream["ExtendedS3DestinationConfiguration"]["BucketARN"]["Fn::GetAtt"][0]
    assert output_ref(template, "DataLakeBucketName") == bucket_id
    bucket = resources(template, "AWS::S3::Bucket")[bucket_id]["Properties"]
    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    assert bucket["LoggingConfiguration"]["DestinationBucketName"]["Ref"] in resources(template, "AWS::S3::Bucket")
    (rule,) = bucket["LifecycleConfiguration"]["Rules"]
    assert rule["Transitions"] and rule["NoncurrentVersionExpiration"]
    assert rule["ExpirationInDays"] == DEFAULT_RETENTION_DAYS  # cdk.json's casetrail:dataLakeRetentionDays when set
    assert any(
        references(policy["Properties"]["Bucket"], bucket_id)
        and any(
            s["Effect"] == "Deny" and s.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport") == "false"
            for s in policy["Properties"]["PolicyDocument"]["Statement"]
        )
        for policy in resources(template, "AWS::S3::BucketPolicy").values()
    )


def test_firehose_may_only_write_objects_into_the_data_lake_bucket(template):
    _, stream = _stream(template)
    destination = stream["ExtendedS3DestinationConfiguration"]
    bucket_id = destination["BucketARN"]["Fn::GetAtt"][0]
    role_id = destination["RoleARN"]["Fn::GetAtt"][0]
    statements = [
        s
        for p in resources(template, "AWS::IAM::Policy").values()
        if {"Ref": role_id} in p["Properties"]["Roles"]
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]
    actions = {a for s in statements for a in as_list(s["Action"])}
    assert "s3:PutObject" in actions and not {a for a in actions if "Delete" in a or a.endswith("*")}
    for statement in statements:
        assert all(
            references(resource, bucket_id) or "logs:PutLogEvents" in as_list(statement["Action"])
            for resource in as_list(statement["Resource"])
        ), json.dumps(statement)
