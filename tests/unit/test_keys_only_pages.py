"""A page of a KEYS_ONLY index is read whole: one Query of keys, one BatchGetItem of the items."""

from casetrail.store.dynamo import Table, serialize


class FakeDynamoDB:
    """Answers one Query with the index's keys, and BatchGetItem in any order, leaving the first
    request's last key unprocessed (as DynamoDB may under load)."""

    def __init__(self, items: list[dict]):
        self.items = {item["pk"]: item for item in items}
        self.batch_calls = 0

    def query(self, **request):
        return {"Items": [serialize({"pk": pk, "sk": "CASE", "byQueuepk": "Q", "byQueuesk": pk}) for pk in self.items]}

    def batch_get_item(self, RequestItems):
        self.batch_calls += 1
        ((table, request),) = RequestItems.items()
        wanted = [key["pk"]["S"] for key in request["Keys"]]
        served, left = (wanted[:-1], wanted[-1:]) if self.batch_calls == 1 else (wanted, [])
        response = {"Responses": {table: [serialize(self.items[pk]) for pk in reversed(served) if pk in self.items]}}
        if left:
            response["UnprocessedKeys"] = {table: {"Keys": [serialize({"pk": pk, "sk": "CASE"}) for pk in left]}}
        return response


def test_a_keys_only_page_holds_whole_items_in_index_order_even_when_keys_come_back_unprocessed():
    # Given an index page of three keys, whose items DynamoDB returns out of order and one late
    fake = FakeDynamoDB([{"pk": p, "sk": "CASE", "status": s, "tags": t} for p, s, t in (("c3", "open", ["vip"]), ("c2", "resolved", []), ("c1", "open", []))])
    table = Table("cases", client=fake)
    # When the page is read
    page = table.query_items_page(partition_attribute="byQueuepk", partition_value="Q", index="byQueue")
    # Then it holds the whole items, in the index's order, after asking again for the unprocessed key
    assert [item["pk"] for item in page.items] == ["c3", "c2", "c1"] and page.items[0]["tags"] == ["vip"]
    assert fake.batch_calls == 2


def test_a_second_filter_applies_to_the_items_read_as_a_filter_expression_would():
    fake = FakeDynamoDB([{"pk": p, "sk": "CASE", "status": s, "tags": t} for p, s, t in (("c3", "open", ["vip"]), ("c2", "resolved", ["vip"]), ("c1", "open", []))])
    table = Table("cases", client=fake)
    page = table.query_items_page(partition_attribute="byQueuepk", partition_value="Q", index="byQueue", filter_equals={"status": "open"}, filter_contains={"tags": "vip"})
    assert [item["pk"] for item in page.items] == ["c3"]
