"""Creates the tables from their specs on an AWS emulation (moto), for tests and the local runner.

The deployed tables come from the same specs through CDK (infra/constructs/data.py).
"""

import os

from casetrail.store.tables import ALL_TABLES, TableSpec


def create_table_request(spec: TableSpec, name: str) -> dict:
    key_attributes = {spec.partition_key, *(filter(None, [spec.sort_key]))}
    schema = [{"AttributeName": spec.partition_key, "KeyType": "HASH"}]
    if spec.sort_key:
        schema.append({"AttributeName": spec.sort_key, "KeyType": "RANGE"})
    request = {
        "TableName": name,
        "KeySchema": schema,
        "BillingMode": "PAY_PER_REQUEST",
    }
    if spec.indexes:
        request["GlobalSecondaryIndexes"] = [
            {
                "IndexName": index.name,
                "KeySchema": [
                    {"AttributeName": index.partition_key, "KeyType": "HASH"},
                    {"AttributeName": index.sort_key, "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": index.projection},
            }
            for index in spec.indexes
        ]
        for index in spec.indexes:
            key_attributes.update({index.partition_key, index.sort_key})
    request["AttributeDefinitions"] = [{"AttributeName": a, "AttributeType": "S"} for a in sorted(key_attributes)]
    if spec.stream:
        request["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    return request


def create_tables(client, names: dict[str, str] | None = None) -> None:
    """Creates every table; `names` maps a spec's env var to its table name (default: the
    environment's value, as the functions will read it)."""
    for spec in ALL_TABLES:
        name = (names or {}).get(spec.env_var) or os.environ[spec.env_var]
        client.create_table(**create_table_request(spec, name))
        if spec.ttl_attribute:
            client.update_time_to_live(
                TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": spec.ttl_attribute}
            )
