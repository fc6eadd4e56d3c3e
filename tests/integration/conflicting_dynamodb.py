"""A DynamoDB client that loses transaction races on demand, as DynamoDB does and moto never does:
the next `conflicts` TransactWriteItems calls are cancelled with a TransactionConflict reason and
write nothing; every other call goes to the real (moto) client."""

from botocore.exceptions import ClientError


class ConflictingDynamoDb:
    def __init__(self, client, conflicts: int):
        self._client = client
        self.conflicts_left = conflicts
        self.cancelled = 0

    def transact_write_items(self, **request):
        if self.conflicts_left > 0:
            self.conflicts_left -= 1
            self.cancelled += 1
            reasons = [{"Code": "None"}] * (len(request["TransactItems"]) - 1) + [{"Code": "TransactionConflict", "Message": "Transaction is ongoing for the item"}]
            raise ClientError(
                {
                    "Error": {"Code": "TransactionCanceledException", "Message": "Transaction cancelled, please refer cancellation reasons for specific reasons [None, TransactionConflict]"},
                    "CancellationReasons": reasons,
                },
                "TransactWriteItems",
            )
        return self._client.transact_write_items(**request)

    def __getattr__(self, name):
        return getattr(self._client, name)


class CompetingWriter:
    """A DynamoDB client under which another request always gets in first: before each of the next
    `rounds` TransactWriteItems calls, `competitor()` runs (its own writes go straight through), so
    the write that follows finds the case at a newer version than it was computed on."""

    def __init__(self, client, competitor, rounds: int):
        self._client = client
        self._competitor = competitor
        self.rounds_left = rounds
        self._competing = False

    def transact_write_items(self, **request):
        if self.rounds_left > 0 and not self._competing:
            self.rounds_left -= 1
            self._competing = True
            try:
                self._competitor()
            finally:
                self._competing = False
        return self._client.transact_write_items(**request)

    def __getattr__(self, name):
        return getattr(self._client, name)
