"""Every table of casetrail.store.tables, built as specified and safe to keep."""

import pytest

from casetrail.store.tables import ALL_TABLES, TableSpec
from tests.infrastructure.resources import resources, table_id

TABLE_IDS = [spec.logical_id for spec in ALL_TABLES]


def _table(template, spec: TableSpec) -> dict:
    return resources(template, "AWS::DynamoDB::Table")[table_id(template, spec)]


def _key_schema(partition_key: str, sort_key: str | None) -> list[dict]:
    schema = [{"AttributeName": partition_key, "KeyType": "HASH"}]
    if sort_key:
        schema.append({"AttributeName": sort_key, "KeyType": "RANGE"})
    return schema


def test_every_spec_is_one_table(template):
    assert len(resources(template, "AWS::DynamoDB::Table")) == len(ALL_TABLES)


@pytest.mark.parametrize("spec", ALL_TABLES, ids=TABLE_IDS)
def test_table_survives_mistakes(template, spec):
    table = _table(template, spec)
    assert table["DeletionPolicy"] == "Retain"
    assert table["UpdateReplacePolicy"] == "Retain"
    assert table["Properties"]["DeletionProtectionEnabled"] is True
    assert table["Properties"]["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}


@pytest.mark.parametrize("spec", ALL_TABLES, ids=TABLE_IDS)
def test_table_is_on_demand_and_encrypted(template, spec):
    properties = _table(template, spec)["Properties"]
    assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert properties["SSESpecification"]["SSEEnabled"] is True


@pytest.mark.parametrize("spec", ALL_TABLES, ids=TABLE_IDS)
def test_table_has_the_keys_and_indexes_of_its_spec(template, spec):
    properties = _table(template, spec)["Properties"]
    assert properties["KeySchema"] == _key_schema(spec.partition_key, spec.sort_key)
    indexes = {index["IndexName"]: index for index in properties.get("GlobalSecondaryIndexes", [])}
    assert set(indexes) == {index.name for index in spec.indexes}
    for index in spec.indexes:
        assert indexes[index.name]["KeySchema"] == _key_schema(index.partition_key, index.sort_key)
        assert indexes[index.name]["Projection"] == {"ProjectionType": index.projection}
    assert {attribute["AttributeType"] for attribute in properties["AttributeDefinitions"]} == {"S"}


@pytest.mark.parametrize("spec", ALL_TABLES, ids=TABLE_IDS)
def test_table_expires_items_only_when_its_spec_says(template, spec):
    ttl = _table(template, spec)["Properties"].get("TimeToLiveSpecification")
    expected = {"AttributeName": spec.ttl_attribute, "Enabled": True} if spec.ttl_attribute else None
    assert ttl == expected


@pytest.mark.parametrize("spec", ALL_TABLES, ids=TABLE_IDS)
def test_table_streams_new_images_only_when_its_spec_says(template, spec):
    stream = _table(template, spec)["Properties"].get("StreamSpecification")
    assert stream == ({"StreamViewType": "NEW_IMAGE"} if spec.stream else None)

