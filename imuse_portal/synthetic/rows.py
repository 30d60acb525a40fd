"""Rows written in bulk: ids given in advance, batches of a few thousand rows, COPY on
PostgreSQL and ``executemany`` on SQLite. The ORM is bypassed for speed only; every column
still comes from the model, and the defaults of the columns a generator leaves out are the
model's own."""

from __future__ import annotations

import datetime

from django.db import connection, models
from django.utils import timezone

BATCH = 5000


def _default(field: models.Field, now: datetime.datetime):
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    if field.has_default():
        return field.get_default()
    if field.null:
        return None
    if isinstance(field, (models.CharField, models.TextField)):
        return ""
    raise ValueError(f"{field.model.__name__}.{field.name} needs a value")


SQLITE_ENCODERS = {
    models.DurationField: lambda value: value // datetime.timedelta(microseconds=1),
    models.TimeField: lambda value: value.isoformat(),
    models.DateTimeField: lambda value: timezone.make_naive(value, datetime.UTC).isoformat(" "),
}


class Table:
    """One model's rows: ``add(*values)`` takes the values of ``columns`` (attribute names, in
    that order) and returns the row's id; every other column gets its model default."""

    def __init__(self, writer: Writer, model: type[models.Model], columns: list[str]):
        self.writer = writer
        self.model = model
        self.name = model._meta.db_table
        fields = {field.attname: field for field in model._meta.concrete_fields}
        unknown = set(columns) - set(fields) - {"id"}
        if unknown:
            raise ValueError(f"{model.__name__} has no column {sorted(unknown)}")
        now = timezone.now()
        self.rest = [name for name in fields if name not in columns and name != "id"]
        self.fixed = tuple(_default(fields[name], now) for name in self.rest)
        self.columns = ["id", *columns, *self.rest]
        # SQLite takes durations as microseconds, times as text and date-times naive in UTC
        # (Django's own encodings); PostgreSQL takes the Python values.
        self.encoders = []
        if connection.vendor == "sqlite":
            for position, name in enumerate(self.columns):
                encoder = SQLITE_ENCODERS.get(type(fields.get(name)))
                if encoder is not None:
                    self.encoders.append((position, encoder))
        self.next_id = writer.first_free_id(self.name)
        self.pending: list[tuple] = []
        self.count = 0

    def add(self, *values) -> int:
        row_id = self.next_id
        self.next_id += 1
        self.pending.append((row_id, *values, *self.fixed))
        if len(self.pending) >= BATCH:
            self.flush()
        return row_id

    def flush(self) -> None:
        if not self.pending:
            return
        rows = self.pending
        self.pending = []
        if self.encoders:
            rows = [self._encode(row) for row in rows]
        self.writer.write(self, rows)
        self.count += len(rows)

    def _encode(self, row: tuple) -> tuple:
        row = list(row)
        for position, encoder in self.encoders:
            value = row[position]
            if value is not None:
                row[position] = encoder(value)
        return tuple(row)


class Writer:
    """The tables of one run, written in one transaction (the caller opens it)."""

    def __init__(self):
        self.tables: list[Table] = []
        self.vendor = connection.vendor

    def table(self, model, columns: list[str]) -> Table:
        table = Table(self, model, columns)
        self.tables.append(table)
        return table

    def first_free_id(self, table_name: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT MAX(id) FROM "{table_name}"')
            (last,) = cursor.fetchone()
        return (last or 0) + 1

    def write(self, table: Table, rows: list[tuple]) -> None:
        names = ", ".join(f'"{column}"' for column in table.columns)
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                raw = cursor.cursor  # psycopg's own cursor: COPY
                with raw.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(table.columns))
                cursor.executemany(f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', rows)

    def flush(self) -> None:
        for table in self.tables:
            table.flush()

    def finish(self) -> None:
        """Write what is left and move each id sequence past the ids given (PostgreSQL)."""
        self.flush()
        if self.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            for table in self.tables:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                    f'COALESCE((SELECT MAX(id) FROM "{table.name}"), 1))'
                )


class ForeignKeysSetAside:
    """On PostgreSQL, the foreign keys of the tables being filled are dropped for the run and
    added back at its end, which checks every row in one pass instead of one trigger per row.
    On SQLite, the checks are deferred to the end of the transaction as usual."""

    def __init__(self, models_filled):
        self.tables = [model._meta.db_table for model in models_filled]
        self.saved: list[tuple[str, str, str]] = []

    def __enter__(self):
        if connection.vendor != "postgresql":
            return self
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)",
                [[f'"{name}"' for name in self.tables] + self.tables],
            )
            self.saved = cursor.fetchall()
            for table, name, _definition in self.saved:
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        return self

    def __exit__(self, kind, error, trace):
        if error is not None or not self.saved:
            return False
        with connection.cursor() as cursor:
            for table, name, definition in self.saved:
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        return False
