"""The claim-check bucket: private, TLS only, kept; the publisher may only put details into it and
every consumer may only read them."""

from casetrail.store.event_details import KEY_PREFIX
from casetrail.topology import EVENT_CONSUMERS, EVENT_DETAILS_BUCKET_ENV_VAR, STREAM_PUBLISHER_HANDLER
from tests.infrastructure.resources import as_list, function_id, output_ref, references, resources, role_statements


def _details_bucket_id(template) -> str:
    return output_ref(template, "EventDetailsBucketName")


def _object_actions(template, handler: str, bucket_id: str) -> set[str]:
    statements = role_statements(template, function_id(template, handler))
    on_bucket = [s for s in statements if references(s["Resource"], bucket_id)]
    assert all(f"/{KEY_PREFIX}/*" in str(s["Resource"]) for s in on_bucket)  # its prefix only
    return {a for s in on_bucket for a in as_list(s["Action"])}


def test_the_details_bucket_is_private_versioned_logged_and_kept(template):
    bucket = resources(template, "AWS::S3::Bucket")[_details_bucket_id(template)]
    properties = bucket["Properties"]
    assert properties["VersioningConfiguration"] == {"Status": "Enabled"}
    assert properties["PublicAccessBlockConfiguration"]["RestrictPublicBuckets"] is True
    assert "LoggingConfiguration" in properties
    assert bucket["DeletionPolicy"] == "Retain"
    assert not any("ExpirationInDays" in rule for rule in properties["LifecycleConfiguration"]["Rules"])


def test_the_publisher_is_told_the_bucket_and_may_only_put_details(template):
    bucket_id = _details_bucket_id(template)
    publisher = resources(template, "AWS::Lambda::Function")[function_id(template, STREAM_PUBLISHER_HANDLER)]
    assert publisher["Properties"]["Environment"]["Variables"][EVENT_DETAILS_BUCKET_ENV_VAR] == {"Ref": bucket_id}
    assert _object_actions(template, STREAM_PUBLISHER_HANDLER, bucket_id) == {"s3:PutObject"}


def test_every_consumer_may_only_read_details(template):
    bucket_id = _details_bucket_id(template)
    for consumer in EVENT_CONSUMERS:
        assert _object_actions(template, consumer.handler, bucket_id) == {"s3:GetObject"}, consumer.logical_id
