"""Case search: the patterns a few slim DynamoDB indexes cannot serve (any combination of filters,
free text over titles, comments and transcripts), behind one port (port.py) with two engines that
pass one contract suite: SQLite FTS5 (`make run`, tests) and OpenSearch Serverless (deployed).

Fed from the event stream (handlers/search_consumer.py), so it is eventually consistent: see the
README, "Templates, custom fields and search"."""
