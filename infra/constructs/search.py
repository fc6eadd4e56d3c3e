"""Case search: an OpenSearch Serverless collection (type SEARCH) the search consumer writes and
the API reads (casetrail/search/).

Serverless, because search traffic follows case traffic (no cluster to size or patch) and its
policies are declarative. Least privilege in both layers OpenSearch Serverless checks:
- IAM: `aoss:APIAccessAll` on this collection only, for exactly the two functions that use it.
- Data access policy: the consumer may create and describe the one index and read and write its
  documents; the API may only read documents. No other principal, no Dashboards access.
- Encryption at rest with an AWS-owned key (Serverless' default; a customer key would add a KMS
  grant per reader and writer for no isolation gain inside this single-purpose collection).
- Network: the collection's public endpoint, because the functions do not run in a VPC (a VPC
  endpoint would put every function in one, with NAT costs); every request is still SigV4-signed
  and must pass both the IAM and the data access policy. Dashboards are not reachable at all.
"""

import re

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_opensearchserverless as aoss
from constructs import Construct

from casetrail.search.opensearch_index import INDEX
from casetrail.topology import SEARCH_ENDPOINT_ENV_VAR

# What each kind of principal may do inside the collection (aoss data access permissions).
INDEXER_PERMISSIONS = ["aoss:CreateIndex", "aoss:DescribeIndex", "aoss:ReadDocument", "aoss:WriteDocument"]
READER_PERMISSIONS = ["aoss:ReadDocument"]


def collection_name(stack_name: str) -> str:
    # 3-32 characters, lowercase letters, digits and hyphens, starting with a letter (also the
    # policies' names, which share the rules).
    cleaned = re.sub(r"[^a-z0-9-]", "-", stack_name.lower()).strip("-")
    return f"cases-{cleaned}"[:32].rstrip("-")


class Search(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, indexers: list[lambda_.IFunction], readers: list[lambda_.IFunction]):
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        self.name = collection_name(stack.stack_name)
        collection_resource = [f"collection/{self.name}"]
        encryption = aoss.CfnSecurityPolicy(
            self,
            "Encryption",
            name=self.name,
            type="encryption",
            policy=stack.to_json_string({"Rules": [{"ResourceType": "collection", "Resource": collection_resource}], "AWSOwnedKey": True}),
        )
        network = aoss.CfnSecurityPolicy(
            self,
            "Network",
            name=self.name,
            type="network",
            policy=stack.to_json_string([{"Rules": [{"ResourceType": "collection", "Resource": collection_resource}], "AllowFromPublic": True}]),
        )
        self.collection = aoss.CfnCollection(self, "Collection", name=self.name, type="SEARCH", description="Casetrail case search")
        self.collection.add_resource_dependency(encryption)  # a collection needs its encryption policy first
        self.collection.add_resource_dependency(network)
        self.endpoint = self.collection.attr_collection_endpoint
        for function in [*indexers, *readers]:
            function.add_to_role_policy(iam.PolicyStatement(actions=["aoss:APIAccessAll"], resources=[self.collection.attr_arn]))
            function.add_environment(SEARCH_ENDPOINT_ENV_VAR, self.endpoint)
        rules = [
            {
                "Rules": [{"ResourceType": "index", "Resource": [f"index/{self.name}/{INDEX}"], "Permission": permissions}],
                "Principal": [function.role.role_arn for function in functions],
            }
            for functions, permissions in ((indexers, INDEXER_PERMISSIONS), (readers, READER_PERMISSIONS))
            if functions
        ]
        aoss.CfnAccessPolicy(self, "DataAccess", name=self.name, type="data", policy=stack.to_json_string(rules))
        cdk.CfnOutput(self, "Endpoint", value=self.endpoint).override_logical_id("SearchCollectionEndpoint")
