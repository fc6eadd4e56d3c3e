"""The agent workspace: a private bucket behind CloudFront with origin access control, security
headers whose CSP lets only Amazon Connect frame it, the runtime config next to the app, and the
app registered with the configured Connect instance."""

import pytest

from infra.constructs.workspace import connect_embeddings
from tests.infrastructure.conftest import WORKSPACE_CONNECT
from tests.infrastructure.resources import references, resources


def _only(template, resource_type: str) -> tuple[str, dict]:
    (item,) = resources(template, resource_type).items()
    return item


def _deployment(template, logical_id_prefix: str) -> dict:
    (properties,) = [d["Properties"] for name, d in resources(template, "Custom::CDKBucketDeployment").items() if name.startswith(logical_id_prefix)]
    return properties


def test_the_site_bucket_is_private_and_read_only_through_cloudfront_origin_access_control(template):
    _, distribution = _only(template, "AWS::CloudFront::Distribution")
    config = distribution["Properties"]["DistributionConfig"]
    (origin,) = [o for o in config["Origins"] if "S3OriginConfig" in o]
    assert origin["OriginAccessControlId"]
    assert origin["S3OriginConfig"]["OriginAccessIdentity"] == ""  # OAC, not the legacy identity
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    assert config["DefaultRootObject"] == "index.html"
    bucket_id = next(i for i, b in resources(template, "AWS::S3::Bucket").items() if references(origin["DomainName"], i))
    bucket = resources(template, "AWS::S3::Bucket")[bucket_id]["Properties"]
    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True, "RestrictPublicBuckets": True
    }
    policies = [p["Properties"] for p in resources(template, "AWS::S3::BucketPolicy").values() if references(p["Properties"]["Bucket"], bucket_id)]
    readers = [s for p in policies for s in p["PolicyDocument"]["Statement"] if s["Effect"] == "Allow" and "s3:GetObject" in str(s["Action"])]
    assert readers and all(s["Principal"] == {"Service": "cloudfront.amazonaws.com"} for s in readers)


def test_security_headers_allow_framing_only_by_the_connect_origin(template):
    _, policy = _only(template, "AWS::CloudFront::ResponseHeadersPolicy")
    security = policy["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    csp = str(security["ContentSecurityPolicy"]["ContentSecurityPolicy"])
    assert f"frame-ancestors 'self' {WORKSPACE_CONNECT[0]['origin']}" in csp
    assert "script-src 'self'" in csp and "object-src 'none'" in csp
    assert "cognito-idp." in csp  # sign-in calls Cognito from the browser
    assert security["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
    assert security["ContentTypeOptions"]["Override"] is True
    assert "FrameOptions" not in security  # X-Frame-Options cannot name Connect's origin


def test_the_runtime_config_is_deployed_next_to_the_app_and_invalidated(template):
    properties = _deployment(template, "WorkspaceDeployment")
    assert len(properties["SourceObjectKeys"]) == 2  # the built app and config.json
    assert "/config.json" in properties["DistributionPaths"]
    # config.json's values are filled in at deploy time from the stack's own resources.
    markers = str(properties["SourceMarkers"])
    assert "UserPool" in markers and "cognito-idp." in markers


def test_hashed_assets_are_cached_for_good_and_kept_while_index_html_and_config_are_revalidated(template):
    # Given the two copies of the built app into the workspace bucket
    assets, pages = _deployment(template, "WorkspaceHashedAssets"), _deployment(template, "WorkspaceDeployment")
    # Then the content-hashed files are immutable and never pruned (an open tab of the previous
    # release still finds its chunks), and only they are in that copy
    assert assets["SystemMetadata"] == {"cache-control": "public, max-age=31536000, immutable"}
    assert assets["Prune"] is False and assets["Exclude"] == ["*"] and assets["Include"] == ["assets/*"]
    # And index.html and config.json are revalidated on every load; that copy leaves assets/ alone
    assert pages["SystemMetadata"] == {"cache-control": "no-cache"}
    assert pages["Exclude"] == ["assets/*"] and pages.get("Prune", True) is True
    # And the pages are copied only after the assets they name
    deployments = resources(template, "Custom::CDKBucketDeployment")
    (pages_id,) = [n for n in deployments if n.startswith("WorkspaceDeployment")]
    (assets_id,) = [n for n in deployments if n.startswith("WorkspaceHashedAssets")]
    assert assets_id in deployments[pages_id].get("DependsOn", [])


def test_the_app_is_registered_with_the_configured_connect_instance(template):
    _, application = _only(template, "AWS::AppIntegrations::Application")
    source = application["Properties"]["ApplicationSourceConfig"]["ExternalUrlConfig"]
    assert source["ApprovedOrigins"] == [WORKSPACE_CONNECT[0]["origin"]]
    assert "Contact.Attributes.View" in application["Properties"]["Permissions"]
    associations = [a["Properties"] for a in resources(template, "AWS::Connect::IntegrationAssociation").values() if a["Properties"]["IntegrationType"] == "APPLICATION"]
    assert [a["InstanceId"] for a in associations] == [WORKSPACE_CONNECT[0]["instanceArn"]]


def test_the_workspace_url_is_an_output(template):
    assert "WorkspaceUrl" in template.find_outputs("*")


@pytest.mark.parametrize(
    "entry",
    [
        {"instanceArn": "arn:aws:s3:::bucket", "origin": "https://a.my.connect.aws"},
        {"instanceArn": WORKSPACE_CONNECT[0]["instanceArn"], "origin": "http://a.my.connect.aws"},
        {"instanceArn": WORKSPACE_CONNECT[0]["instanceArn"], "origin": "https://a.my.connect.aws/ccp"},
    ],
)
def test_a_malformed_connect_embedding_fails_the_synth(entry):
    with pytest.raises(ValueError):
        connect_embeddings([entry])


def test_the_api_is_reached_through_the_workspace_origin_uncached_with_every_header(template):
    _, distribution = _only(template, "AWS::CloudFront::Distribution")
    (behavior,) = distribution["Properties"]["DistributionConfig"]["CacheBehaviors"]
    assert behavior["PathPattern"] == "/v1/*"
    assert set(behavior["AllowedMethods"]) >= {"GET", "POST", "PATCH", "PUT", "DELETE", "OPTIONS"}
    assert behavior["CachePolicyId"] == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # CachingDisabled
    assert behavior["OriginRequestPolicyId"] == "b689b0a8-53d0-40ab-baf2-68738e2966ac"  # AllViewerExceptHostHeader
    assert "Distribution" in str(_deployment(template, "WorkspaceDeployment")["SourceMarkers"])  # config.json's apiUrl: the workspace's own origin
