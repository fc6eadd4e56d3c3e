"""Benchmark: the embedded search engine (SQLite FTS5, `make run`'s) over 10,000 case documents of
one tenant (plus 10,000 of another, which no query may see), fed through the search feed as the
consumer feeds it: the time to index, and the median time of GET /cases' search-served patterns.

    python -m bench.search --cases 10000
"""

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from casetrail.search.feed import SearchFeed
from casetrail.search.port import SORT_UPDATED, CaseQuery
from casetrail.search.sqlite_index import SqliteSearchIndex
from tests.contract.search_events import case_event, related_event

WORDS = "refund parcel invoice courier damaged late charge card login password address delivery".split()
STATUSES = ["open", "in_progress", "pending_customer", "resolved", "closed"]
PRIORITIES = ["low", "normal", "high", "urgent"]
CATEGORIES = ["billing", "shipping", "account", "fraud"]
REPEATS = 30


def _feed(feed: SearchFeed, tenant: str, count: int, rng: random.Random) -> None:
    for n in range(count):
        minute = f"2026-{1 + n * 11 // count:02d}-{1 + n % 28:02d}T{n % 24:02d}:{n % 60:02d}:00Z"
        case = {
            "title": " ".join(rng.sample(WORDS, 3)),
            "status": rng.choice(STATUSES),
            "priority": rng.choice(PRIORITIES),
            "category": rng.choice(CATEGORIES),
            "tags": rng.sample(["vip", "late", "repeat", "press"], rng.randint(0, 2)),
            "templateId": rng.choice([None, "refund", "complaint"]),
        }
        created = case_event(tenant, f"case-{n:06d}", 1, event_type="CASE.CREATED", at=minute, **case)
        feed.apply(created)
        transcript = " ".join(rng.choices(WORDS, k=200))  # a 200-word chat
        feed.apply(related_event(case_event(tenant, f"case-{n:06d}", 2, at=minute, created_at=minute, **case), f"chat-{n}", {"transcript": transcript}, item_type="contact"))


QUERIES = {
    "no filter, newest first": {},
    "status": {"equals": {"status": "open"}},
    "status + priority + category": {"equals": {"status": "open", "priority": "urgent", "category": "fraud"}},
    "tag": {"tag": "vip"},
    "template, sort=updatedAt": {"equals": {"template_id": "refund"}, "sort": SORT_UPDATED},
    "created range (a month)": {"created_from": "2026-03-01T00:00:00.000000Z", "created_to": "2026-03-31T23:59:59.999999Z"},
    "free text, 1 common word": {"words": ("refund",)},
    "free text, 2 words + status": {"words": ("refund", "courier"), "equals": {"status": "open"}},
    "free text, rare word (no hit)": {"words": ("zebra",)},
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    count = parser.parse_args().cases
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as directory:
        index = SqliteSearchIndex(str(Path(directory) / "search.sqlite3"))  # a file, as in `make run`
        feed = SearchFeed(index)
        started = time.perf_counter()
        _feed(feed, "demo", count, rng)
        indexing = time.perf_counter() - started
        _feed(feed, "acme", count, rng)
        print(f"\nSQLite FTS5, {count:,} cases of the tenant (+{count:,} of another), each with a 200-word transcript")
        print(f"indexing: {indexing / (2 * count) * 1000:.2f} ms per event ({2 * count:,} events: create + transcript)\n")
        print(f"{'query (page of 25, then the next page)':44} {'median':>9} {'page 2':>9}  hits")
        for name, query in QUERIES.items():
            times, second = [], []
            for _ in range(REPEATS):
                started = time.perf_counter()
                page = index.search(CaseQuery(tenant_id="demo", limit=25, **query))
                times.append(time.perf_counter() - started)
                if page.after:
                    started = time.perf_counter()
                    index.search(CaseQuery(tenant_id="demo", limit=25, after=page.after, **query))
                    second.append(time.perf_counter() - started)
            page_two = f"{statistics.median(second) * 1000:7.2f}ms" if second else "       -"
            print(f"{name:44} {statistics.median(times) * 1000:7.2f}ms {page_two}  {len(page.case_ids)}")
        index.close()


if __name__ == "__main__":
    main()
