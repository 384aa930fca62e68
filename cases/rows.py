"""Model instances from SQL written once per process, for the few lookups made on nearly every
request whose build through the ORM cost more CPU than running them (cases.shell's case
lookup, the screening a case's tabs read): the columns to select, and the instances read back
from a row, each column converted as the ORM's compiler converts it.

Only the models' quoted table and column names are ever written into such SQL; every value is
a parameter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import connection, models


def q(name: str | None) -> str:
    return connection.ops.quote_name(str(name))


def column(model: type[models.Model], name: str) -> str:
    """A field's quoted column name (a foreign key's by the field's name: "case" → "case_id")."""
    return q(model._meta.get_field(name).column)  # type: ignore[union-attr]


def table(model: type[models.Model]) -> str:
    return q(model._meta.db_table)


def select_list(model: type[models.Model], alias: str, deferred: tuple[str, ...] = ()) -> list[str]:
    """The columns `instance` reads back, in its order: every concrete field but `deferred`."""
    return [
        f"{alias}.{q(field.column)}"
        for field in _row_shape(connection.vendor, model, deferred).fields
    ]


@dataclass(frozen=True)
class RowShape:
    fields: tuple[Any, ...]
    attnames: tuple[str, ...]
    pk_index: int
    # (column index, its expression, the converters the ORM applies: SQLite's datetimes, say).
    converters: tuple[tuple[int, Any, list[Callable[[Any, Any, Any], Any]]], ...]


@cache
def _row_shape(vendor: str, model: type[models.Model], deferred: tuple[str, ...]) -> RowShape:
    fields = tuple(f for f in model._meta.concrete_fields if f.name not in deferred)
    converters = []
    for index, field in enumerate(fields):
        col = field.get_col(model._meta.db_table)
        found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        if found:
            converters.append((index, col, found))
    return RowShape(
        fields=fields,
        attnames=tuple(field.attname for field in fields),
        pk_index=fields.index(model._meta.pk),
        converters=tuple(converters),
    )


def instance(
    model: type[models.Model], row: tuple[Any, ...], start: int, deferred: tuple[str, ...] = ()
) -> tuple[Any, int]:
    """The instance whose columns (`select_list`) start at `row[start]` — None for a related row
    a LEFT JOIN did not find, as select_related gives — and where the next model's start.
    `deferred` fields load on first use, as the ORM's defer() leaves them."""
    shape = _row_shape(connection.vendor, model, deferred)
    end = start + len(shape.fields)
    values = list(row[start:end])
    if values[shape.pk_index] is None:
        return None, end
    for index, col, converters in shape.converters:
        for convert in converters:
            values[index] = convert(values[index], col, connection)
    return model.from_db(connection.alias, shape.attnames, values), end


def set_related(instance: models.Model, name: str, related: Any) -> None:
    """What select_related (or a related manager) leaves: `instance.<name>` read without a query."""
    instance._meta.get_field(name).set_cached_value(instance, related)  # type: ignore[union-attr]


def by_pk(
    model: type[models.Model],
    pk: Any,
    *,
    related: tuple[str, ...] = (),
    where: str = "",
    params: tuple[Any, ...] = (),
    for_update: bool = False,
) -> Any:
    """`model.objects.select_related(*related)[.select_for_update()].filter(pk=pk, <where>)
    .first()`: the row (aliased `t`, its related rows `r0`, `r1`…, `where` written on those
    aliases with `params`), or None. FOR UPDATE only where the database has it, as the ORM's
    select_for_update() (SQLite locks the whole database for a write anyway)."""
    sql = _by_pk_sql(connection.vendor, model, related, where, for_update)
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk, *params])
        row = cursor.fetchone()
    if row is None:
        return None
    found, start = instance(model, row, 0)
    for name in related:
        other, start = instance(model._meta.get_field(name).related_model, row, start)  # type: ignore[arg-type]
        set_related(found, name, other)
    return found


@cache
def _by_pk_sql(
    vendor: str,
    model: type[models.Model],
    related: tuple[str, ...],
    where: str,
    for_update: bool,
) -> str:
    selected = select_list(model, "t")
    joins = []
    for index, name in enumerate(related):
        field = model._meta.get_field(name)
        other = field.related_model
        alias = f"r{index}"
        selected += select_list(other, alias)  # type: ignore[arg-type]
        kind = "LEFT OUTER JOIN" if field.null else "INNER JOIN"
        joins.append(
            f"{kind} {table(other)} {alias}"  # type: ignore[arg-type]
            f" ON {alias}.{q(other._meta.pk.column)} = t.{column(model, name)}"  # type: ignore[union-attr]
        )
    lock = " FOR UPDATE" if for_update and connection.features.has_select_for_update else ""
    return (
        f"SELECT {', '.join(selected)} FROM {table(model)} t {' '.join(joins)}"  # noqa: S608
        f" WHERE t.{q(model._meta.pk.column)} = %s{f' AND {where}' if where else ''}{lock}"
    )
