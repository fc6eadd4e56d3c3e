"""The embedded search engine: SQLite with FTS5 (Python's own sqlite3), for `make run` and tests.

One row per case document (its fields as columns for filters and sorting, the document as JSON),
and one FTS5 row per document (same rowid) holding its text. Every statement names the tenant.
A file database is shared by the runner's API and its search consumer (WAL: readers never wait for
the writer); ":memory:" serves one process (tests)."""

import json
import sqlite3
import threading

from casetrail.search.documents import CaseDocument
from casetrail.search.port import SORT_UPDATED, CaseQuery, DocumentChanged, SearchPage, StoredDocument

_SCHEMA = """
CREATE TABLE IF NOT EXISTS case_documents (
    tenant_id TEXT NOT NULL, case_id TEXT NOT NULL, revision INTEGER NOT NULL, searchable INTEGER NOT NULL,
    status TEXT, priority TEXT, category TEXT, template_id TEXT, queue TEXT, assignee TEXT, customer_id TEXT,
    tags TEXT NOT NULL, created_at TEXT, updated_at TEXT, document TEXT NOT NULL,
    UNIQUE (tenant_id, case_id)
);
CREATE INDEX IF NOT EXISTS by_created ON case_documents (tenant_id, created_at, case_id);
CREATE INDEX IF NOT EXISTS by_updated ON case_documents (tenant_id, updated_at, case_id);
CREATE VIRTUAL TABLE IF NOT EXISTS case_text USING fts5(text, tokenize = 'unicode61 remove_diacritics 2');
"""
_COLUMNS = ("status", "priority", "category", "template_id", "queue", "assignee", "customer_id")


class SqliteSearchIndex:
    def __init__(self, path: str = ":memory:"):
        # One connection, serialised by a lock: the runner's threads share it (SQLite's own
        # locking covers the consumer and the API in one process; WAL lets reads run beside writes).
        self._connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        with self._lock:
            if path != ":memory:":
                self._connection.execute("PRAGMA journal_mode=WAL")
            self._connection.executescript(_SCHEMA)

    def get(self, tenant_id: str, case_id: str) -> StoredDocument | None:
        with self._lock:
            row = self._connection.execute(
                "SELECT document, revision FROM case_documents WHERE tenant_id = ? AND case_id = ?", (tenant_id, case_id)
            ).fetchone()
        if row is None:
            return None
        return StoredDocument(document=CaseDocument.model_validate_json(row[0]), revision=str(row[1]))

    def put(self, document: CaseDocument, expected_revision: str | None) -> None:
        columns = {
            "searchable": int(document.searchable),
            **{name: getattr(document, name) for name in _COLUMNS},
            "tags": json.dumps(document.tags),
            "created_at": document.created_at,
            "updated_at": document.updated_at,
            "document": document.model_dump_json(),
        }
        with self._lock, self._connection:  # one transaction: the row and its text change together
            self._connection.execute("BEGIN IMMEDIATE")
            if expected_revision is None:
                try:
                    cursor = self._connection.execute(
                        f"INSERT INTO case_documents (tenant_id, case_id, revision, {', '.join(columns)}) "
                        f"VALUES (?, ?, 1, {', '.join('?' for _ in columns)})",
                        (document.tenant_id, document.case_id, *columns.values()),
                    )
                except sqlite3.IntegrityError:
                    raise DocumentChanged(document.case_id) from None
                rowid = cursor.lastrowid
            else:
                row = self._connection.execute(
                    f"UPDATE case_documents SET revision = revision + 1, {', '.join(f'{c} = ?' for c in columns)} "
                    "WHERE tenant_id = ? AND case_id = ? AND revision = ? RETURNING rowid",
                    (*columns.values(), document.tenant_id, document.case_id, int(expected_revision)),
                ).fetchone()
                if row is None:
                    raise DocumentChanged(document.case_id)
                rowid = row[0]
                self._connection.execute("DELETE FROM case_text WHERE rowid = ?", (rowid,))
            if document.searchable:
                self._connection.execute("INSERT INTO case_text (rowid, text) VALUES (?, ?)", (rowid, document.text()))

    def search(self, query: CaseQuery) -> SearchPage:
        sort = "updated_at" if query.sort == SORT_UPDATED else "created_at"
        clauses, values = ["d.tenant_id = ?", "d.searchable = 1"], [query.tenant_id]
        for name, value in query.equals.items():
            clauses.append(f"d.{name} = ?")
            values.append(value)
        if query.tag is not None:
            clauses.append("EXISTS (SELECT 1 FROM json_each(d.tags) WHERE json_each.value = ?)")
            values.append(query.tag)
        for column, low, high in (("created_at", query.created_from, query.created_to), ("updated_at", query.updated_from, query.updated_to)):
            if low is not None:
                clauses.append(f"d.{column} >= ?")
                values.append(low)
            if high is not None:
                clauses.append(f"d.{column} <= ?")
                values.append(high)
        if query.words:
            # Each word a quoted FTS5 string (words have no quotes): all of them must occur.
            clauses.append("d.rowid IN (SELECT rowid FROM case_text WHERE case_text MATCH ?)")
            values.append(" ".join(f'"{word}"' for word in query.words))
        if query.after is not None:
            clauses.append(f"(d.{sort}, d.case_id) < (?, ?)")
            values.extend(query.after)
        sql = (
            f"SELECT d.case_id, d.{sort} FROM case_documents d WHERE {' AND '.join(clauses)} "
            f"ORDER BY d.{sort} DESC, d.case_id DESC LIMIT ?"
        )
        with self._lock:
            rows = self._connection.execute(sql, (*values, query.limit + 1)).fetchall()
        page = rows[: query.limit]
        after = (page[-1][1], page[-1][0]) if len(rows) > query.limit else None
        return SearchPage(case_ids=[row[0] for row in page], after=after)

    def customer_case_ids(self, tenant_id: str, customer_id: str) -> list[str]:
        # A tombstone holds no customer: only live documents match.
        with self._lock:
            rows = self._connection.execute(
                "SELECT case_id FROM case_documents WHERE tenant_id = ? AND customer_id = ?", (tenant_id, customer_id)
            ).fetchall()
        return [row[0] for row in rows]

    def close(self) -> None:
        self._connection.close()
