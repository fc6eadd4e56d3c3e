"""An in-memory OpenSearch that executes the subset of the REST API and query DSL the OpenSearch
engine sends (search/opensearch_index.py), with OpenSearch's semantics, so the search contract
suite runs that engine's translation for real. Anything outside the subset fails loudly (an
unknown clause, a field the strict mapping does not have), as a real collection would refuse it.

What it does not prove: that a live collection accepts the index body and signed requests (see the
README: the first deployment's smoke test)."""

import copy
from typing import Any
from urllib.parse import unquote

from casetrail.search.words import words_of


class FakeOpenSearch:
    def __init__(self):
        self.indexes: dict[str, dict[str, Any]] = {}  # name -> {"mapping": ..., "docs": {id: (seq_no, source)}}
        self._seq_no = 0
        self.requests: list[tuple[str, str]] = []

    def send(self, method: str, path: str, body: dict[str, Any] | None = None, params: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
        self.requests.append((method, path))
        parts = path.strip("/").split("/")
        index = parts[0]
        if len(parts) == 1:
            return self._index_request(method, index, body)
        if index not in self.indexes:
            return 404, {"error": {"type": "index_not_found_exception"}}
        action = parts[1]
        if action == "_search" and method == "POST":
            return 200, self._search(index, body or {})
        doc_id = unquote(parts[2])
        if action == "_doc" and method == "GET":
            return self._get(index, doc_id)
        if action == "_create" and method == "PUT":
            return self._write(index, doc_id, body, create=True)
        if action == "_doc" and method == "PUT":
            return self._write(index, doc_id, body, params=params or {})
        raise AssertionError(f"not in the fake's subset: {method} {path}")

    def _index_request(self, method: str, index: str, body: dict[str, Any] | None) -> tuple[int, dict[str, Any]]:
        if method == "HEAD":
            return (200 if index in self.indexes else 404), {}
        if method == "PUT":
            if index in self.indexes:
                return 400, {"error": {"type": "resource_already_exists_exception"}}
            self.indexes[index] = {"mapping": body["mappings"], "docs": {}}
            return 200, {"acknowledged": True}
        raise AssertionError(f"not in the fake's subset: {method} /{index}")

    def _get(self, index: str, doc_id: str) -> tuple[int, dict[str, Any]]:
        found = self.indexes[index]["docs"].get(doc_id)
        if found is None:
            return 404, {"found": False}
        seq_no, source = found
        return 200, {"found": True, "_id": doc_id, "_seq_no": seq_no, "_primary_term": 1, "_source": copy.deepcopy(source)}

    def _write(self, index: str, doc_id: str, source: dict[str, Any] | None, *, create: bool = False, params: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
        docs = self.indexes[index]["docs"]
        properties = self.indexes[index]["mapping"]["properties"]
        unknown = set(source or {}) - set(properties)
        if unknown:  # "dynamic": "strict"
            return 400, {"error": {"type": "strict_dynamic_mapping_exception"}}
        existing = docs.get(doc_id)
        if create and existing is not None:
            return 409, {"error": {"type": "version_conflict_engine_exception"}}
        if params and "if_seq_no" in params:
            if existing is None or existing[0] != int(params["if_seq_no"]) or params["if_primary_term"] != "1":
                return 409, {"error": {"type": "version_conflict_engine_exception"}}
        self._seq_no += 1
        docs[doc_id] = (self._seq_no, copy.deepcopy(source))
        return (201 if existing is None else 200), {"_id": doc_id, "_seq_no": self._seq_no, "_primary_term": 1}

    def _search(self, index: str, body: dict[str, Any]) -> dict[str, Any]:
        assert set(body) <= {"size", "_source", "track_total_hits", "query", "sort", "search_after"}, body
        properties = self.indexes[index]["mapping"]["properties"]
        matching = [source for _, source in self.indexes[index]["docs"].values() if _matches(body["query"], source, properties)]
        sort = [next(iter(clause.items())) for clause in body["sort"]]
        keys = [(field, spec["order"]) for field, spec in sort]
        for field, _ in keys:
            assert properties[field]["type"] == "keyword", f"sorting on {field} needs a keyword field"

        def key_of(source):
            return tuple(source.get(field) or "" for field, _ in keys)

        def before(a, b):  # a comes before b in this sort
            for (value_a, value_b, (_, order)) in zip(a, b, keys):
                if value_a != value_b:
                    return value_a > value_b if order == "desc" else value_a < value_b
            return False

        import functools

        ordered = sorted(matching, key=functools.cmp_to_key(lambda a, b: -1 if before(key_of(a), key_of(b)) else (1 if before(key_of(b), key_of(a)) else 0)))
        if "search_after" in body:
            after = tuple(body["search_after"])
            ordered = [source for source in ordered if before(after, key_of(source))]
        hits = [{"_id": source["caseId"], "sort": list(key_of(source))} for source in ordered[: body["size"]]]
        return {"hits": {"hits": hits}}


def _matches(query: dict[str, Any], source: dict[str, Any], properties: dict[str, Any]) -> bool:
    ((kind, clause),) = query.items()
    if kind == "bool":
        assert set(clause) <= {"filter"}, clause
        return all(_matches(part, source, properties) for part in clause["filter"])
    ((field, condition),) = clause.items()
    assert field in properties, f"no field {field} in the mapping"
    value = source.get(field)
    if kind == "term":
        assert properties[field]["type"] in ("keyword", "boolean"), f"term on {field}"
        return condition in value if isinstance(value, list) else value == condition
    if kind == "range":
        assert set(condition) <= {"gte", "lte"}, condition
        return value is not None and all((value >= bound if op == "gte" else value <= bound) for op, bound in condition.items())
    if kind == "match":
        assert properties[field]["type"] == "text"
        # The field's analyzer: the pattern tokenizer on non-letters-or-digits, lowercase, asciifolding.
        wanted = words_of(condition["query"])
        return any(word in set(words_of(value or "")) for word in wanted)  # match's default operator: or
    raise AssertionError(f"not in the fake's subset: {kind}")
