"""Bulk inserts for every app (the lead import, batched allocations): one ``executemany`` or COPY per table,
values prepared as Django would.

``Model.objects.bulk_create`` spends most of its time building model instances and preparing each
value through the field API; an import of a million leads cannot afford that. This helper prepares
each column once per table (a converter per field type and database vendor) and inserts plain tuples.
Only services call it, inside their transaction; the columns come from the model, so a migration that
adds a field with a default needs no change here.
"""

from __future__ import annotations

import datetime as dt
import json
import operator
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection, models
from django.db.models.fields import NOT_PROVIDED, AutoFieldMixin

Converter = Callable[[Any], Any]


_MISSING = object()


def _identity(value: Any) -> Any:
    return value


def _converter(field: models.Field) -> Converter:
    ops = connection.ops
    internal = field.get_internal_type()
    if field.is_relation:
        return _converter(field.target_field)
    if internal == "UUIDField":
        if connection.features.has_native_uuid_field:
            return _identity
        return lambda v: v.hex if isinstance(v, uuid.UUID) else (uuid.UUID(str(v)).hex if v is not None else None)
    if internal == "DateTimeField":
        if connection.vendor == "sqlite":
            return _sqlite_datetime()
        return ops.adapt_datetimefield_value
    if internal == "DateField":
        return ops.adapt_datefield_value
    if internal == "DecimalField":
        return lambda v: ops.adapt_decimalfield_value(v, field.max_digits, field.decimal_places) if v is not None else None
    if internal == "JSONField":
        return _json_converter(field)
    return _identity


def _sqlite_datetime() -> Converter:
    # As Django stores it on SQLite (naive UTC text), remembering the last value (one pair, replaced
    # whole, so threads sharing the converter never mix a value with another's text): the rows of a
    # batch share their timestamps, and a row's created_at and updated_at are the same object.
    last: list[tuple[Any, str]] = [(None, "")]
    utc = dt.UTC

    def convert(value: Any) -> Any:
        pair = last[0]
        if value is pair[0]:
            return pair[1]
        tz = value.tzinfo
        if tz is utc:
            text = str(value.replace(tzinfo=None))
        elif tz is not None and tz.utcoffset(value) is not None:
            text = str(value.astimezone(utc).replace(tzinfo=None))
        else:
            text = str(value)
        last[0] = (value, text)
        return text

    return convert


class JsonValue:
    """A JSON value shared by many rows (a score breakdown), encoded once however many rows carry it."""

    __slots__ = ("_text", "value")

    def __init__(self, value: Any) -> None:
        self.value = value
        self._text: str | None = None

    @classmethod
    def encoded(cls, value: Any, text: str) -> JsonValue:
        """``value`` whose JSON text the caller already has (encoded its own way, e.g. as the API renders it)."""
        found = cls(value)
        found._text = text
        return found

    def text(self, dumps: Callable[[Any], str]) -> str:
        if self._text is None:
            self._text = dumps(self.value)
        return self._text

    def __eq__(self, other: object) -> bool:
        return (other.value if isinstance(other, JsonValue) else other) == self.value

    __hash__ = None  # type: ignore[assignment]


def _passthrough(text: str) -> str:
    return text


def _json_converter(field: models.Field) -> Converter:
    # One encoder object (json.dumps with cls= builds a new one per call); the C encoder does the work.
    encode = (field.encoder or json.JSONEncoder)(ensure_ascii=False).encode

    def dumps(value: Any) -> str:
        return encode(value)

    if connection.vendor == "postgresql":
        from psycopg.types.json import Jsonb

        return lambda v: Jsonb(v.text(dumps), dumps=_passthrough) if type(v) is JsonValue else Jsonb(v, dumps=dumps)
    if connection.vendor == "sqlite":
        def convert(v: Any) -> str:
            if type(v) is JsonValue:
                return v.text(dumps)
            if v == {}:
                return "{}"
            if v == []:
                return "[]"
            return dumps(v)

        return convert
    return lambda v: field.get_db_prep_save(v.value if type(v) is JsonValue else v, connection)


class Inserter:
    """Insert rows (dicts keyed by attname) into ``model``'s table; missing keys take the default."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        fields = [f for f in model._meta.concrete_fields if not isinstance(f, AutoFieldMixin)]
        self.fields = fields
        self.plan: list[tuple[str, Any, bool, Converter]] = []
        shared_datetime = _sqlite_datetime() if connection.vendor == "sqlite" else None
        for f in fields:
            if f.has_default():
                default, call = f.default, callable(f.default)
            elif f.default is NOT_PROVIDED and f.null:
                default, call = None, False
            else:
                default, call = f.get_default(), False
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                from django.utils import timezone

                default, call = timezone.now, True
            convert = _converter(f)
            if shared_datetime is not None and f.get_internal_type() == "DateTimeField":
                convert = shared_datetime  # created_at and updated_at: one object, converted once
            self.plan.append((f.attname, default, call, convert))
        table = connection.ops.quote_name(model._meta.db_table)
        self.table = table
        self.columns = [connection.ops.quote_name(f.column) for f in fields]
        columns = ", ".join(self.columns)
        marks = ", ".join(["%s"] * len(fields))
        self.marks = f"({marks})"
        self.head = f"INSERT INTO {table} ({columns}) VALUES "  # noqa: S608 - names from the model
        self.sql = self.head + self.marks
        self.copy_sql = f"COPY {table} ({columns}) FROM STDIN"

        self._row = self._compile()

    def _compile(self) -> Callable[[dict[str, Any]], tuple]:
        # One generated function per table builds the parameter tuple: no per-value loop, no call for
        # columns that need no conversion. The namespace holds only the plan's own objects.
        # The row dict laid over the constant defaults, every column picked in one C call
        # (``itemgetter``), then only the columns that need it converted: a lead has 68 columns.
        base: dict[str, Any] = {}
        namespace: dict[str, Any] = {"base": base, "pick": operator.itemgetter(*(p[0] for p in self.plan))}
        lines = ["def row(data):", "    m = {**base, **data}"]
        parts = []
        for index, (name, default, call, convert) in enumerate(self.plan):
            namespace[f"c{index}"] = convert
            if call:
                namespace[f"d{index}"] = default
                lines.append(f"    if {name!r} not in data: m[{name!r}] = d{index}()")
            else:
                base[name] = default
            parts.append(f"a{index}" if convert is _identity else f"(None if a{index} is None else c{index}(a{index}))")
        names = ", ".join(f"a{index}" for index in range(len(self.plan)))
        lines.append(f"    ({names},) = pick(m)")
        source = "\n".join(lines) + "\n    return (" + ", ".join(parts) + ",)\n"
        exec(compile(source, f"<insert {self.model._meta.label}>", "exec"), namespace)  # noqa: S102 - code built from field names
        return namespace["row"]

    def row(self, data: dict[str, Any]) -> tuple:
        return self._row(data)

    def insert(self, rows: Iterable[dict[str, Any]]) -> int:
        build = self._row
        params = [build(r) for r in rows]
        if not params:
            return 0
        if len(params) >= BATCH_MIN and connection.vendor == "postgresql":
            self._copy(params)
        elif len(params) >= BATCH_MIN and connection.vendor == "sqlite":
            self._sqlite_batch(params)
        elif len(params) == 1:  # one row (an API capture): a plain execute, no pipeline set up and torn down
            with connection.cursor() as cursor:
                cursor.execute(self.sql, params[0])
        else:
            with connection.cursor() as cursor:
                cursor.executemany(self.sql, params)
        return len(params)

    def _copy(self, params: list[tuple]) -> None:
        """PostgreSQL: one COPY instead of an INSERT per row (same constraints, same triggers)."""
        with connection.cursor() as cursor, cursor.cursor.copy(self.copy_sql) as copy:
            write = copy.write_row
            for row in params:
                write(row)

    def _sqlite_batch(self, params: list[tuple]) -> None:
        """SQLite: a column with the same value in every row of the batch becomes a literal of the
        statement instead of a bound parameter per row.

        The sqlite3 module binds a value in about a quarter of a microsecond, and a None in more than
        half of one (it looks for an adapter first); a lead has 68 columns, half of them the same for
        a whole import (defaults, the channel, the import job, NULLs). Binding only what varies cuts
        the insert of a lead roughly in half.
        """
        columns = list(zip(*params, strict=True))
        n = len(params)
        names: list[str] = []
        values: list[str] = []
        varying: list[tuple] = []
        for name, column in zip(self.columns, columns, strict=True):
            first = column[0]
            literal = _literal(first) if column.count(first) == n else None
            names.append(name)
            if literal is None:
                values.append("%s")
                varying.append(column)
            else:
                values.append(literal)
        sql = f"INSERT INTO {self.table} ({', '.join(names)}) VALUES ({', '.join(values)})"  # noqa: S608 - literals quoted
        with connection.cursor() as cursor:
            if varying:
                cursor.executemany(sql, list(zip(*varying, strict=True)))
            else:
                cursor.executemany(sql, [()] * n)


BATCH_MIN = 20  # below this, a plain executemany


def _literal(value: Any) -> str | None:
    """``value`` as an SQLite literal, or None when it had better be bound."""
    kind = type(value)
    if value is None:
        return "NULL"
    if kind is bool:
        return "1" if value else "0"
    if kind is int:
        return str(value)
    if kind is str and len(value) <= 200 and "\x00" not in value:
        # Quotes doubled for SQL, per cent signs doubled for the driver's %s placeholders.
        return "'" + value.replace("'", "''").replace("%", "%%") + "'"
    return None


_INSERTERS: dict[tuple[str, str], Inserter] = {}


def inserter(model: type[models.Model]) -> Inserter:
    key = (connection.vendor, model._meta.label)
    found = _INSERTERS.get(key)
    if found is None:
        found = _INSERTERS[key] = Inserter(model)
    return found


def insert(model: type[models.Model], rows: Iterable[dict[str, Any]]) -> int:
    return inserter(model).insert(rows)


def insert_one(model: type[models.Model], values: dict[str, Any], **related: models.Model | None) -> models.Model:
    """Insert one row of ``model`` and return it as a saved instance, its automatic key read back with
    ``RETURNING``.

    What ``Model.objects.create`` stores, for a hot path that writes one row per command (the event of
    every state change): the INSERT and its conversions are prepared once per table instead of compiled
    for each row, and no save signals are sent, so only models without save() logic or receivers of
    their own may be written here. ``values`` are keyed by attname; a column left out takes its
    default, which must then be a constant (give ``timezone.now`` values explicitly, so the instance and
    the row hold the same time). ``related`` are the instances behind foreign keys given in ``values``
    (``actor=user``), cached on the instance as ``create`` does. Without ``RETURNING`` it is ``create``.
    """
    pk = model._meta.pk
    if not connection.features.can_return_columns_from_insert or not isinstance(pk, AutoFieldMixin):
        fk_columns = {f"{name}_id" for name in related}
        return model._default_manager.create(**{k: v for k, v in values.items() if k not in fk_columns}, **related)
    ins = inserter(model)
    missing = [name for name, _default, call, _convert in ins.plan if call and name not in values]
    if missing:
        raise ValueError(f"insert_one({model._meta.label}) needs values for {missing}")
    with connection.cursor() as cursor:
        cursor.execute(f"{ins.sql} RETURNING {connection.ops.quote_name(pk.column)}", ins.row(values))
        key = cursor.fetchone()[0]
    instance = model(**{pk.attname: key}, **values)
    for name, obj in related.items():
        setattr(instance, name, obj)
    instance._state.adding = False
    instance._state.db = connection.alias
    return instance


def insert_together(tables: list[tuple[type[models.Model], list[dict[str, Any]]]]) -> int:
    """Insert a few rows into several tables, in this order; on PostgreSQL in one statement.

    A single API capture writes a lead, its offering lines and its event: three round trips, each
    with its own parse, bind and execute in the server. Here they go as one statement of
    data-modifying WITH clauses (``WITH a AS (INSERT ...), b AS (INSERT ...) INSERT ...``): PostgreSQL
    runs every part exactly once. Rows may reference rows of an earlier table: Django creates
    PostgreSQL's foreign keys DEFERRABLE INITIALLY DEFERRED, so they are checked at commit as before.
    Tables with many rows (COPY) and SQLite (no round trips) go table by table through :func:`insert`.
    """
    tables = [(model, rows) for model, rows in tables if rows]
    if connection.vendor != "postgresql" or len(tables) < 2 or any(len(rows) >= BATCH_MIN for _m, rows in tables):
        return sum(insert(model, rows) for model, rows in tables)
    parts: list[str] = []
    params: list[Any] = []
    for model, rows in tables:
        ins = inserter(model)
        parts.append(ins.head + ", ".join([ins.marks] * len(rows)))
        for row in rows:
            params += ins.row(row)
    *first, last = parts
    sql = ("WITH " + ", ".join(f"w{n} AS ({part})" for n, part in enumerate(first)) + " " + last)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    return sum(len(rows) for _m, rows in tables)


# --- reading by lists of keys, one statement text whatever the list ---------------------------------


def any_of(column: str) -> str:
    """SQL for ``column`` equal to one of the values in one parameter (see :func:`values_param`).

    One parameter for a whole list keeps the statement text the same from batch to batch, so the
    driver's parsed-query cache and PostgreSQL's prepared statements are reused. With one placeholder
    per value every batch compiled a new statement of thousands of parameters, and the sqlite3 module
    keeps the last 128 compiled statements: a 1,000,000-row import held several hundred megabytes of
    them.
    """
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)"
    return f"{column} IN (SELECT value FROM json_each(%s))"  # noqa: S608 - a column name from the model


def values_param(values: Iterable[Any]) -> Any:
    """The one parameter :func:`any_of` compares with: an array on PostgreSQL, a JSON list on SQLite.

    Values go as the database stores them (pass keys through :func:`_converter` of their field first:
    SQLite keeps UUIDs as 32 hex digits).
    """
    if connection.vendor == "postgresql":
        return list(values)
    return json.dumps([str(v) for v in values])


def uuid_reader() -> Converter:
    """A UUID column's raw value as a UUID (SQLite hands back its hex text; PostgreSQL a UUID)."""
    if connection.features.has_native_uuid_field:
        return _identity
    return lambda v: uuid.UUID(v) if isinstance(v, str) else v
