"""Harbor's sign-in backend: Django's ModelBackend, reading the person's roles with them.

Nearly every request asks the signed-in person's roles (the header, `for_user`, the views'
checks). ModelBackend loads the user in one query and the roles then cost a second one; here
each role is an EXISTS in the user's own query, so a request pays one query for both. The
roles are the same Django groups as before (`User.role_names`), read once per request as then.

The query is written once per process as SQL from the models' own table and column names:
built through the ORM, its three EXISTS subqueries took longer to compile on every request than
the second query they replace.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db import connection

from cases.models import Role, User

ROLES = tuple(Role)


@cache
def user_with_roles_sql() -> str:
    # Only the models' quoted table and column names are written in; every value is a parameter.
    def q(name: str | None) -> str:
        return connection.ops.quote_name(str(name))

    through = User.groups.through._meta
    member, group = q(through.get_field("user").column), q(through.get_field("group").column)
    users, user_pk = q(User._meta.db_table), q(User._meta.pk.column)
    groups, group_pk = q(Group._meta.db_table), q(Group._meta.pk.column)
    name = q(Group._meta.get_field("name").column)
    holds = ", ".join(
        f"EXISTS (SELECT 1 FROM {q(through.db_table)} m JOIN {groups} g"  # noqa: S608
        f" ON g.{group_pk} = m.{group} WHERE m.{member} = u.{user_pk} AND g.{name} = %s)"
        f" AS holds_{index}"
        for index, _role in enumerate(ROLES)
    )
    columns = ", ".join(f"u.{q(field.column)}" for field in User._meta.concrete_fields)
    return f"SELECT {columns}, {holds} FROM {users} u WHERE u.{user_pk} = %s"  # noqa: S608


class RoleReadingBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            pk = User._meta.pk.to_python(user_id)
        except Exception:  # noqa: BLE001 - a session naming no valid id signs nobody in
            return None
        rows = list(
            User._default_manager.raw(user_with_roles_sql(), [*(role.value for role in ROLES), pk])
        )
        if not rows:
            return None
        user = rows[0]
        # What the cached property would have read from the groups, without the query.
        user.__dict__["role_names"] = frozenset(
            role.value for index, role in enumerate(ROLES) if getattr(user, f"holds_{index}")
        )
        return user if self.user_can_authenticate(user) else None
