"""The agent workspace: the web app of web/, built on this machine, served from a private bucket
through CloudFront, and (opt-in) registered as a third-party application of Amazon Connect's agent
workspace.

    browser ─HTTPS─> CloudFront (security headers, CSP) ─OAC─> private S3 bucket (index.html, assets,
                        │                                   config.json)
                        └─ /v1/* ─> the REST API (same origin: no CORS; never cached)
    and Cognito directly for sign-in.

`config.json` is written next to the app at deploy time, so one build serves every stage. The CSP
lets the app be framed only by itself and the configured Amazon Connect origins.

Context `casetrail:workspaceConnect`: a list of {"instanceArn", "origin"} (origin such as
`https://acme.my.connect.aws`), each gets the app associated with that instance.
"""

import json
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_appintegrations as appintegrations
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_connect as connect
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3deploy
from constructs import Construct

from infra.constructs.access_logs import access_log_bucket
from infra.constructs.api import STAGE_NAME
from infra.web_build import WEB_DIR, NpmBuild

CONNECT_CONTEXT_KEY = "casetrail:workspaceConnect"
CONFIG_FILE = "config.json"
HASHED_ASSETS_DIR = "assets"  # vite's build.assetsDir: every file name there carries its content hash
IMMUTABLE = "public, max-age=31536000, immutable"
# What the embedded app may ask of Amazon Connect: who the agent is, the contact and its attributes
# (the caseId a Casetrail flow sets) and the customer's number (to find the customer).
CONNECT_PERMISSIONS = ["User.Details.View", "Contact.Details.View", "Contact.Attributes.View", "Contact.CustomerDetails.View"]


def connect_embeddings(context: Any) -> list[dict[str, str]]:
    """The context value as [{"instanceArn", "origin"}]; a malformed entry fails the synth."""
    if isinstance(context, str):
        context = json.loads(context)
    embeddings = list(context or [])
    for entry in embeddings:
        arn, origin = entry.get("instanceArn", ""), entry.get("origin", "")
        if not (arn.startswith("arn:aws") and ":connect:" in arn and ":instance/" in arn):
            raise ValueError(f"{CONNECT_CONTEXT_KEY}: {arn!r} is not an Amazon Connect instance ARN")
        if not origin.startswith("https://") or "/" in origin.removeprefix("https://"):
            raise ValueError(f"{CONNECT_CONTEXT_KEY}: {origin!r} is not an https origin (scheme and host only)")
    return embeddings


def content_security_policy(*, connect_sources: list[str], frame_ancestors: list[str]) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            # Cloudscape sets style attributes at run time (positioning of popovers and charts).
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            f"connect-src 'self' {' '.join(connect_sources)}",
            f"frame-ancestors 'self' {' '.join(frame_ancestors)}".strip(),
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
        ]
    )


class Workspace(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        runtime_config: dict[str, str],
        rest_api: apigateway.RestApi,
        files_bucket: s3.IBucket,
        connect_embeddings: list[dict[str, str]],
    ):
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        access_logs = access_log_bucket(self, logs_of="the agent workspace")
        self.bucket = s3.Bucket(
            self,
            "Site",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            server_access_logs_bucket=access_logs,
            server_access_logs_prefix="site/",
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        frame_ancestors = [entry["origin"] for entry in connect_embeddings]
        csp = content_security_policy(
            connect_sources=[
                f"https://cognito-idp.{stack.region}.amazonaws.com",
                # File uploads and downloads go straight to the files bucket with presigned URLs.
                f"https://{files_bucket.bucket_regional_domain_name}",
                f"https://{files_bucket.bucket_name}.s3.amazonaws.com",
            ],
            frame_ancestors=frame_ancestors,
        )
        headers = cloudfront.ResponseHeadersPolicy(
            self,
            "SecurityHeaders",
            comment="Casetrail workspace: HSTS, CSP (framing by Amazon Connect only), no sniffing, no referrer",
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(content_security_policy=csp, override=True),
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=cdk.Duration.days(365), include_subdomains=True, override=True
                ),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override=True
                ),
                # No X-Frame-Options: it cannot name the Connect origins; the CSP's frame-ancestors does.
            ),
        )
        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment="Casetrail agent workspace",
            default_root_object="index.html",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                response_headers_policy=headers,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
            ),
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            price_class=cloudfront.PriceClass.PRICE_CLASS_100,
            additional_behaviors={
                # The API through the same origin: the stage's path as is, every header but Host (the
                # Authorization header and If-Match included), nothing cached.
                f"/{STAGE_NAME}/*": cloudfront.BehaviorOptions(
                    origin=origins.HttpOrigin(cdk.Fn.select(2, cdk.Fn.split("/", rest_api.url))),
                    viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
                    allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
                    cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
                    origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
                    response_headers_policy=headers,
                )
            },
            enable_logging=True,
            log_bucket=access_logs,
            log_file_prefix="cloudfront/",
        )
        self.url = f"https://{self.distribution.distribution_domain_name}"
        self.runtime_config = {**runtime_config, "apiUrl": f"{self.url}/{STAGE_NAME}"}
        app = s3deploy.Source.asset(
            str(WEB_DIR),
            exclude=["node_modules", "dist", "test-results", "playwright-report"],
            bundling=cdk.BundlingOptions(
                # Required by the API; local bundling always succeeds or raises, docker is never used.
                image=cdk.DockerImage.from_registry("public.ecr.aws/docker/library/node:20"),
                local=NpmBuild(),
            ),
        )
        # Two copies with two caching rules. The content-hashed assets first, cached for good and
        # never pruned: a browser still running the previous index.html keeps finding its chunks.
        # Then index.html and config.json, revalidated on every load, so a deployment reaches every
        # browser at once (a heuristic cache of index.html would ask for assets by old names).
        hashed_assets = s3deploy.BucketDeployment(
            self,
            "HashedAssets",
            destination_bucket=self.bucket,
            sources=[app],
            exclude=["*"],
            include=[f"{HASHED_ASSETS_DIR}/*"],
            prune=False,
            cache_control=[s3deploy.CacheControl.from_string(IMMUTABLE)],
            memory_limit=512,
        )
        deployment = s3deploy.BucketDeployment(
            self,
            "Deployment",
            destination_bucket=self.bucket,
            sources=[app, s3deploy.Source.json_data(CONFIG_FILE, self.runtime_config)],
            exclude=[f"{HASHED_ASSETS_DIR}/*"],  # neither copied nor pruned by this one
            cache_control=[s3deploy.CacheControl.no_cache()],
            distribution=self.distribution,
            distribution_paths=["/index.html", f"/{CONFIG_FILE}"],  # assets are content-hashed
            memory_limit=512,
        )
        deployment.node.add_dependency(hashed_assets)
        for index, entry in enumerate(connect_embeddings):
            self._register_with_connect(index, entry)
        _acknowledge_nag_findings(self, deployment)

    def _register_with_connect(self, index: int, entry: dict[str, str]) -> None:
        application = appintegrations.CfnApplication(
            self,
            f"ConnectApplication{index}",
            name=f"{cdk.Stack.of(self).stack_name}-workspace-{index}",
            namespace=f"casetrail.{cdk.Stack.of(self).stack_name}.{index}",
            description="Casetrail: the customer's cases and timeline beside the contact",
            application_source_config=appintegrations.CfnApplication.ApplicationSourceConfigProperty(
                external_url_config=appintegrations.CfnApplication.ExternalUrlConfigProperty(
                    access_url=self.url, approved_origins=[entry["origin"]]
                )
            ),
            permissions=CONNECT_PERMISSIONS,
        )
        connect.CfnIntegrationAssociation(
            self,
            f"ConnectAssociation{index}",
            instance_id=entry["instanceArn"],
            integration_type="APPLICATION",
            integration_arn=application.attr_application_arn,
        )


def _acknowledge_nag_findings(workspace: Workspace, deployment: s3deploy.BucketDeployment) -> None:
    # BucketDeployment's copying function is a stack-wide singleton made by CDK; its role and runtime
    # are CDK's to keep current.
    stack = cdk.Stack.of(workspace)
    (copier,) = [c for c in stack.node.children if c.node.id.startswith("Custom::CDKBucketDeployment")]
    cdk.Validations.of(copier).acknowledge(
        cdk.Acknowledgment(id="AwsSolutions-L1", reason="CDK's BucketDeployment function; CDK pins and updates its runtime."),
        cdk.Acknowledgment(
            id="AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
            reason="CDK's BucketDeployment function only writes its own logs with this managed policy.",
        ),
        *[
            cdk.Acknowledgment(id=f"AwsSolutions-IAM5[{finding}]", reason="CDK's BucketDeployment grants: it reads the "
                               "staged assets and replaces every object of the workspace bucket on deploy.")
            for finding in (
                "Action::s3:Abort*", "Action::s3:DeleteObject*", "Action::s3:GetBucket*", "Action::s3:GetObject*",
                "Action::s3:List*", f"Resource::<{stack.get_logical_id(workspace.bucket.node.default_child)}.Arn>/*",
                "Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*",
            )
        ],
        cdk.Acknowledgment(id="AwsSolutions-IAM5[Resource::*]", reason="CDK's BucketDeployment invalidates the "
                           "distribution's cache (cloudfront:CreateInvalidation has no resource-level scope in its grant)."),
    )
    cdk.Validations.of(workspace.distribution).acknowledge(
        cdk.Acknowledgment(
            id="AwsSolutions-CFR1",
            reason="Agents and supervisors work from wherever the contact center has staff; restrict countries "
            "with a CloudFront geo restriction per deployment where that is known.",
        ),
        cdk.Acknowledgment(
            id="AwsSolutions-CFR2",
            reason="The distribution serves static files only (no data): every call for data goes to the API "
            "with a verified token. Attach a WAFv2 web ACL per deployment if required (cost).",
        ),
        cdk.Acknowledgment(
            id="AwsSolutions-CFR4",
            reason="With the default *.cloudfront.net certificate CloudFront negotiates TLSv1 and up; a custom "
            "domain with its ACM certificate gets the TLSv1.2_2021 minimum set here.",
        ),
    )
