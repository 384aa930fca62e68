"""Multiply a seed set of cases with SQL copies that keep every row's shape.

The seed cases are written through Harbor's actions (`bench.seed`); each copy repeats every row
of every table that hangs off a case (timeline, audit entries, screening, answers, checklists,
capacity, decisions, disclosures, referrals, notes, addenda — found from the models, so a new
table is copied too) with its ids moved by a fixed offset, its foreign keys into those tables
moved with it, a new opaque reference, and its dates moved back by whole days so the copies fill
the past year. Ids written inside JSON payloads (e.g. a timeline entry's `referral`) keep the
seed's value: nothing the benchmark measures follows them.
"""

from __future__ import annotations

from django.apps import apps
from django.db import connection, models

from cases.models import Case


def case_tables() -> list[type[models.Model]]:
    """Every model whose rows belong to a case, parents before children."""
    found: list[type[models.Model]] = [Case]
    changed = True
    while changed:
        changed = False
        for model in apps.get_models(include_auto_created=True):
            if model in found:
                continue
            if any(
                f.is_relation and f.concrete and f.related_model in found
                for f in model._meta.concrete_fields
            ):
                found.append(model)
                changed = True
    return found


def _parent_fk(model: type[models.Model], found: list[type[models.Model]]) -> models.Field:
    return next(
        f
        for f in model._meta.concrete_fields
        if f.is_relation and f.related_model in found[: found.index(model)]
    )


def multiply(copies: int) -> None:
    """Add `copies` copies of every case now in the database (and of all its rows)."""
    if copies <= 0:
        return
    tables = case_tables()
    with connection.cursor() as cursor:
        offsets: dict[type[models.Model], int] = {}
        for model in tables:
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {model._meta.db_table}")  # noqa: S608
            offsets[model] = cursor.fetchone()[0]
        for model in tables:
            columns, values = [], []
            for field in model._meta.concrete_fields:
                column = connection.ops.quote_name(str(field.column))
                columns.append(column)
                if field.primary_key:
                    values.append(f"t.{column} + k * {offsets[model]}")
                elif field.is_relation and field.related_model in offsets:
                    values.append(f"t.{column} + k * {offsets[field.related_model]}")
                elif model is Case and field.name == "ref":
                    # Opaque like the real ones: 5 + 5 characters, unique per copy.
                    values.append(
                        "substr(md5(t.ref || k), 1, 5) || '-' || substr(md5(t.ref || k), 6, 5)"
                    )
                elif isinstance(field, models.DateTimeField):
                    values.append(f"t.{column} - make_interval(days => (k * 37) %% 365)")
                elif isinstance(field, models.DateField):
                    values.append(f"t.{column} - ((k * 37) %% 365)")
                else:
                    values.append(f"t.{column}")
            # Only the rows that existed before (ids up to the offset), and of a case's rows only
            # those that belong to one (a sign-in's audit entry has no case).
            where = "t.id <= %s"
            params = [copies, offsets[model]]
            if model is not Case:
                parent = connection.ops.quote_name(str(_parent_fk(model, tables).column))
                where += f" AND t.{parent} IS NOT NULL"
            table = model._meta.db_table
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - names from the models
                f"SELECT {', '.join(values)} FROM {table} t "
                f"CROSS JOIN generate_series(1, %s) k WHERE {where}",
                params,
            )
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))",  # noqa: S608
                [table],
            )
