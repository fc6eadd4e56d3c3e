"""The files bucket: private, encrypted, versioned, TLS only; the API function may only presign."""

from casetrail.topology import API_HANDLER, FILES_BUCKET_ENV_VAR
from tests.infrastructure.resources import as_list, function_id, references, resources, role_statements


def _files_bucket(template) -> tuple[str, dict]:
    api = resources(template, "AWS::Lambda::Function")[function_id(template, API_HANDLER)]
    bucket_ref = api["Properties"]["Environment"]["Variables"][FILES_BUCKET_ENV_VAR]["Ref"]
    return bucket_ref, resources(template, "AWS::S3::Bucket")[bucket_ref]


def test_the_files_bucket_is_private_encrypted_versioned_and_logged(template):
    _, bucket = _files_bucket(template)
    properties = bucket["Properties"]
    assert properties["VersioningConfiguration"] == {"Status": "Enabled"}
    assert properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert properties["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert "LoggingConfiguration" in properties
    assert bucket["DeletionPolicy"] == "Retain"


def test_the_files_bucket_refuses_requests_without_tls(template):
    bucket_id, _ = _files_bucket(template)
    (policy,) = [p for p in resources(template, "AWS::S3::BucketPolicy").values() if p["Properties"]["Bucket"] == {"Ref": bucket_id}]
    denials = [s for s in policy["Properties"]["PolicyDocument"]["Statement"] if s["Effect"] == "Deny"]
    assert any(s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}} for s in denials)


def test_the_api_may_only_put_and_get_file_objects_and_remove_deleted_ones(template):
    bucket_id, _ = _files_bucket(template)
    statements = role_statements(template, function_id(template, API_HANDLER))
    actions = {a for s in statements if references(s["Resource"], bucket_id) for a in as_list(s["Action"])}
    # Removing: every version of a deleted case's or item's file (service/erasure.py, related_items.py).
    assert actions == {"s3:PutObject", "s3:GetObject", "s3:ListBucketVersions", "s3:DeleteObjectVersion"}
