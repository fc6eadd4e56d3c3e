"""A patch of moto's EventBridge delivery, for speed only: moto 5.2.5 parses the same JSONPath
expressions again for every target of every event (EventTemplateParser.parse: eight paths, each
building a new PLY parser), about 4 ms a path. In `make run` that was most of moto's time: a batch
of ten events to six queues cost 80 ms in PutEvents, and moto serves one request at a time, so
every other call waited on it. Expressions are parsed once now (a cache of parse); what moto
delivers is unchanged. Installed by the local runner's moto server and the tests' in-process moto.
"""

import functools

import jsonpath_ng.ext


def cache_jsonpath_parsing() -> None:
    """Idempotent. moto imports `parse` from jsonpath_ng.ext at each call, so it finds this one."""
    if hasattr(jsonpath_ng.ext.parse, "cache_info"):
        return
    jsonpath_ng.ext.parse = functools.lru_cache(maxsize=256)(jsonpath_ng.ext.parse)
