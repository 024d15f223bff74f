"""Opening a database, applying migrations, transactions: what every table module builds on."""
from __future__ import annotations

import os

import duckdb

from ..errors import error
from .migrations import MIGRATIONS

SCHEMA_VERSION = max(v for v, _ in MIGRATIONS)


class StoreBase:
    """The connection and its lifecycle; ``Store`` mixes the table modules into it.

    EW030 when another process holds the file, EW031 when the file was written by a newer
    eventwatch, EW032 for any other failure to open it.
    """

    def __init__(self, path: str = "eventwatch.duckdb", *, read_only: bool = False):
        self.path = str(path)
        memory = self.path == ":memory:"
        self.read_only = read_only and not memory
        if self.read_only and not os.path.exists(self.path):
            raise error("EW032", path=self.path, db=self.path, detail="no such database (ingest something first)")
        try:
            self.con = duckdb.connect(self.path, read_only=self.read_only)
        except duckdb.IOException as exc:
            if any(m in str(exc).lower() for m in ("could not set lock", "conflicting lock")):
                from ..serving import locked_error  # names the `eventwatch serve` that holds it, if any

                raise locked_error(self.path) from None
            raise error("EW032", path=self.path, db=self.path, detail=first_line(exc)) from None
        except duckdb.Error as exc:
            raise error("EW032", path=self.path, db=self.path, detail=first_line(exc)) from None
        try:
            self._migrate()
        except BaseException:
            self.con.close()
            raise

    # ---- lifecycle ------------------------------------------------------------------------------------

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.con.close()

    def cursor(self):
        """This store over a new DuckDB cursor of the same connection, for one thread or request.

        A DuckDB connection must not be used by two threads at once; each cursor may be. Closing
        the returned store closes only its cursor.

        >>> with store.cursor() as view:
        ...     view.count_events()
        """
        view = object.__new__(type(self))
        view.__dict__.update(self.__dict__)
        view.con = self.con.cursor()
        return view

    def schema_version(self) -> int:
        """The highest migration applied to this database (0 for an empty file)."""
        if not self._has_table("schema_migrations"):
            return 0
        return self._first("SELECT coalesce(max(version), 0) FROM schema_migrations")[0]

    def _has_table(self, name: str) -> bool:
        return self._first("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name])[0] > 0

    def _migrate(self) -> None:
        found = self.schema_version()
        if found > SCHEMA_VERSION:
            raise error("EW031", path=self.path, db=self.path, found=found, known=SCHEMA_VERSION)
        # every missing number, not only those above the highest: features reserve their numbers
        # and may land in any order, so a file can hold 1 and 4 before 2 and 3 exist
        applied = ({v for (v,) in self.con.execute("SELECT version FROM schema_migrations").fetchall()}
                   if found else set())
        missing = [m for m in sorted(MIGRATIONS, key=lambda m: m[0]) if m[0] not in applied]
        if not missing:
            return
        if self.read_only:
            gaps = [str(v) for v, _ in missing if v < found]
            shown = f"{found} without migration {', '.join(gaps)}" if gaps else found
            raise error("EW033", path=self.path, db=self.path, found=shown, known=SCHEMA_VERSION)
        self.con.execute("CREATE TABLE IF NOT EXISTS schema_migrations ("
                         "version INTEGER PRIMARY KEY, applied_at TIMESTAMP DEFAULT current_timestamp)")
        for version, statements in missing:
            with self._transaction():
                for sql in statements:
                    self.con.execute(sql)
                self.con.execute("INSERT INTO schema_migrations (version) VALUES (?)", [version])

    def _first(self, sql: str, params: list | None = None) -> tuple | None:
        # fetchall, not fetchone: DuckDB refuses relation work while a result is only partly read
        rows = self.con.execute(sql, params or []).fetchall()
        return rows[0] if rows else None

    def _transaction(self):
        return Transaction(self.con)


class Transaction:
    """BEGIN ... COMMIT, or ROLLBACK on any exception (then re-raised)."""

    def __init__(self, con):
        self.con = con

    def __enter__(self):
        self.con.begin()

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.con.commit()
        else:
            self.con.rollback()
        return False


def first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
