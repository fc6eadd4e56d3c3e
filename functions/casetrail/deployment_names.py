"""The names the stack, the local runner and the functions share: environment variables, the bus's
event source and detail type, the documentation's path. A module without imports, so a function
reads its configuration without loading topology.py's consumers and the domain modules they name."""

EVENT_BUS_ENV_VAR = "EVENT_BUS_NAME"
# The default price list (JSON of domain.billing.Pricing), from cdk.json's "casetrail:billingPricing".
BILLING_PRICING_ENV_VAR = "BILLING_PRICING"
# The bucket of file related items, and the limits presigned uploads enforce (optional).
FILES_BUCKET_ENV_VAR = "FILES_BUCKET_NAME"
FILE_MAX_BYTES_ENV_VAR = "FILE_MAX_BYTES"
FILE_CONTENT_TYPES_ENV_VAR = "FILE_CONTENT_TYPES"
# Where the publisher keeps the full detail of an event too large for the bus (claim check).
EVENT_DETAILS_BUCKET_ENV_VAR = "EVENT_DETAILS_BUCKET_NAME"
# The data lake's bucket: a customer's erasure rewrites the objects of its partition.
DATA_LAKE_BUCKET_ENV_VAR = "DATA_LAKE_BUCKET_NAME"
EVENT_SOURCE = "casetrail"
EVENT_DETAIL_TYPE = "Casetrail Case Change"
# Notifications: the email topic, the KMS key that encrypts webhook signing secrets, the base URL
# of case links, and the local-only switch that lets webhooks reach http://127.0.0.1.
NOTIFICATION_TOPIC_ENV_VAR = "NOTIFICATION_TOPIC_ARN"
SIGNING_KEY_ENV_VAR = "SIGNING_KEY_ID"
# The API's documentation (Swagger UI, and the OpenAPI document at ?format=json): the one path that
# needs no API key, so a browser can open it.
DOCS_PATH = "/docs"
# The Secrets Manager secret whose value signs page tokens (store/page_tokens.py).
PAGE_TOKEN_SECRET_ENV_VAR = "PAGE_TOKEN_SECRET_ARN"
CASE_LINK_BASE_URL_ENV_VAR = "CASE_LINK_BASE_URL"
ALLOW_LOOPBACK_WEBHOOKS_ENV_VAR = "ALLOW_LOOPBACK_WEBHOOKS"
# Amazon Connect: JSON {instanceArn: tenantId}, from CDK context "connectInstances".
CONNECT_INSTANCES_ENV_VAR = "CONNECT_INSTANCES"
# First-contact resolution: a resolution reopened within this many days is not one (cdk.json's
# "casetrail:fcrReopenDays"; 7 when unset).
FCR_REOPEN_DAYS_ENV_VAR = "FCR_REOPEN_DAYS"
DEFAULT_FCR_REOPEN_DAYS = 7
# SLA policies and the business calendar: JSON of domain.slas.SlaConfiguration, from cdk.json's
# "casetrail:slaPolicies".
SLA_CONFIGURATION_ENV_VAR = "SLA_CONFIGURATION"
# Case search (casetrail/search/): deployed, the OpenSearch Serverless collection's endpoint; in
# `make run` (and tests, in memory), the SQLite database the runner's API and consumer share.
SEARCH_ENDPOINT_ENV_VAR = "SEARCH_ENDPOINT"
SEARCH_DATABASE_ENV_VAR = "SEARCH_DATABASE"

# People sign in with a Cognito user pool: the authorizer verifies their ID tokens against the pool's
# app client and its JWKS (deployed: the issuer's own; locally: moto's, which only the runner sets).
USER_POOL_ID_ENV_VAR = "USER_POOL_ID"
USER_POOL_CLIENT_ID_ENV_VAR = "USER_POOL_CLIENT_ID"
USER_POOL_JWKS_URL_ENV_VAR = "USER_POOL_JWKS_URL"
# The browser origins (the workspace's) allowed to call the API: JSON list, from cdk.json's
# "casetrail:allowedOrigins".
ALLOWED_ORIGINS_ENV_VAR = "ALLOWED_ORIGINS"
