"""The case search collection: OpenSearch Serverless with its three policies, least privilege in
IAM and in the data access policy, and the search consumer fed like every consumer."""

import json

from casetrail.search.opensearch_index import INDEX
from casetrail.topology import API_HANDLER, BULK_JOBS, SEARCH, SEARCH_ENDPOINT_ENV_VAR
from casetrail.store.tables import CASES_TABLE
from tests.infrastructure.resources import as_list, casetrail_functions, consumer_rule, function_id, references, resources, role_statements, table_id


def _one(template, resource_type: str, **properties) -> tuple[str, dict]:
    (item,) = [
        (logical_id, resource)
        for logical_id, resource in resources(template, resource_type).items()
        if all(resource["Properties"].get(k) == v for k, v in properties.items())
    ]
    return item


def _policy(resource: dict):
    """A policy document, with the roles' ARNs (Fn::GetAtt in a Join) named by their logical ids."""
    policy = resource["Properties"]["Policy"]
    if isinstance(policy, str):
        return json.loads(policy)
    text = "".join(part if isinstance(part, str) else f"role:{part['Fn::GetAtt'][0]}" for part in policy["Fn::Join"][1])
    return json.loads(text)


def _role_of(template, function_logical_id: str) -> str:
    return resources(template, "AWS::Lambda::Function")[function_logical_id]["Properties"]["Role"]["Fn::GetAtt"][0]


def test_a_search_collection_is_created_after_its_encryption_and_network_policies(template):
    collection_id, collection = _one(template, "AWS::OpenSearchServerless::Collection", Type="SEARCH")
    encryption_id, encryption = _one(template, "AWS::OpenSearchServerless::SecurityPolicy", Type="encryption")
    network_id, network = _one(template, "AWS::OpenSearchServerless::SecurityPolicy", Type="network")

    name = collection["Properties"]["Name"]
    assert set(collection["DependsOn"]) >= {encryption_id, network_id}
    assert _policy(encryption) == {"Rules": [{"ResourceType": "collection", "Resource": [f"collection/{name}"]}], "AWSOwnedKey": True}
    # Only the collection's API endpoint: no Dashboards rule, so Dashboards are not reachable.
    (rule_set,) = _policy(network)
    assert rule_set["Rules"] == [{"ResourceType": "collection", "Resource": [f"collection/{name}"]}]


def test_only_the_search_consumer_writes_and_the_api_and_bulk_worker_only_read_the_one_index(template):
    _, collection = _one(template, "AWS::OpenSearchServerless::Collection", Type="SEARCH")
    _, access = _one(template, "AWS::OpenSearchServerless::AccessPolicy", Type="data")
    consumer_role = _role_of(template, function_id(template, SEARCH.handler))
    readers = tuple(sorted(f"role:{_role_of(template, function_id(template, handler))}" for handler in (API_HANDLER, BULK_JOBS.handler)))

    grants = {tuple(entry["Principal"]): entry["Rules"] for entry in _policy(access)}

    index = [f"index/{collection['Properties']['Name']}/{INDEX}"]
    assert grants == {
        (f"role:{consumer_role}",): [{"ResourceType": "index", "Resource": index, "Permission": ["aoss:CreateIndex", "aoss:DescribeIndex", "aoss:ReadDocument", "aoss:WriteDocument"]}],
        readers: [{"ResourceType": "index", "Resource": index, "Permission": ["aoss:ReadDocument"]}],
    }


def test_exactly_the_api_the_bulk_worker_and_the_search_consumer_may_call_the_collection_and_know_its_endpoint(template):
    collection_id, _ = _one(template, "AWS::OpenSearchServerless::Collection", Type="SEARCH")
    users = {function_id(template, handler) for handler in (API_HANDLER, BULK_JOBS.handler, SEARCH.handler)}

    for logical_id, function in casetrail_functions(template).items():
        statements = [s for s in role_statements(template, logical_id) if any(a.startswith("aoss:") for a in as_list(s["Action"]))]
        environment = function["Properties"].get("Environment", {}).get("Variables", {})
        if logical_id in users:
            assert [(s["Action"], references(s["Resource"], collection_id)) for s in statements] == [("aoss:APIAccessAll", True)]
            assert references(environment[SEARCH_ENDPOINT_ENV_VAR], collection_id)
        else:
            assert statements == [] and SEARCH_ENDPOINT_ENV_VAR not in environment


def test_the_api_may_read_a_search_pages_cases_in_one_batch_and_the_consumer_reads_no_case(template):
    cases = table_id(template, CASES_TABLE)
    api = [s for s in role_statements(template, function_id(template, API_HANDLER)) if references(s["Resource"], cases)]
    consumer = [s for s in role_statements(template, function_id(template, SEARCH.handler)) if references(s["Resource"], cases)]

    assert any("dynamodb:BatchGetItem" in as_list(s["Action"]) for s in api)
    assert consumer == []  # it indexes what the events carry


def test_the_search_consumer_gets_the_case_events_that_change_a_search_document(template):
    rule = consumer_rule(template, SEARCH)
    assert rule["EventPattern"] == SEARCH.event_pattern()
    assert {"CASE.DELETED", "CUSTOMER.ERASED", "RELATED_ITEM.DELETED"} <= set(SEARCH.event_pattern()["detail"]["eventType"])
