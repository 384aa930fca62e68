"""Harbor's sign-in backend: Django's ModelBackend, reading the person's roles with them.

Nearly every request asks the signed-in person's roles (the header, `for_user`, the views'
checks). ModelBackend loads the user in one query and the roles then cost a second one; here
each role is an EXISTS in the user's own query, so a request pays one query for both. The
roles are the same Django groups as before (`User.role_names`), read once per request as then.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef

from cases.models import Role, User


def _flag(role: Role) -> str:
    return f"_holds_{role.value}"


def with_roles(users: Any) -> Any:
    """`users` with one boolean per role, as `User.role_names` reads them."""
    return users.annotate(
        **{
            _flag(role): Exists(Group.objects.filter(user=OuterRef("pk"), name=role.value))
            for role in Role
        }
    )


class RoleReadingBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            user = with_roles(User._default_manager).get(pk=user_id)
        except User.DoesNotExist:
            return None
        # What the cached property would have read from the groups, without the query.
        user.__dict__["role_names"] = frozenset(
            role.value for role in Role if getattr(user, _flag(role))
        )
        return user if self.user_can_authenticate(user) else None
