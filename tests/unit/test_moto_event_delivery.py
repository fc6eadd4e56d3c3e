"""moto's EventBridge delivery, as the runner and the tests patch it: each JSONPath expression is
parsed once, not again for every target of every event (local/moto_event_delivery.py)."""

import jsonpath_ng.ext

from local.moto_event_delivery import cache_jsonpath_parsing


def test_an_expression_moto_parses_again_is_the_one_parsed_before_and_finds_the_same():
    cache_jsonpath_parsing()

    first, again = jsonpath_ng.ext.parse("$.detail"), jsonpath_ng.ext.parse("$.detail")

    assert first is again
    assert [match.value for match in again.find({"detail": {"caseId": "c-1"}})] == [{"caseId": "c-1"}]
