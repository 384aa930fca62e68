"""Django's admin, for administrators: users, roles and units of their own facility — never cases.

Case, CaseEvent and AuditEntry are deliberately not registered: administrators do not read
case contents, and nobody edits the audit log. An administrator who is not a platform
superuser:

- sees, edits and looks up only their own facility's users and units: another facility's
  object is a 404 on every admin page (change, delete, history), and every form choice is
  limited to their facility;
- cannot manage facilities, role groups or the sign-in throttle's records (superusers only);
- cannot change their own roles or units (which would open case contents to them), nor hand
  out superuser rights;
- never sets another person's password: they issue a one-time reset link, which also signs
  that person out everywhere, and the audit log records it.

The admin's "view on site" redirect (`/manage/r/<type>/<id>/`) is removed: it turned a
sequential id into a case reference, across facilities.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from cases import audit
from cases.models import AuditEntry, Facility, Unit, User

ALWAYS_READ_ONLY = ("is_superuser", "user_permissions", "last_login", "date_joined")
READ_ONLY_ON_SELF = ("groups", "units", "facility", "is_staff", "is_active")


def staff_of(request: HttpRequest) -> User:
    """The person using the admin: the admin site lets only signed-in staff in."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


class ObjectOr404Mixin:
    """An object outside the admin's queryset is a 404, not the admin's "does not exist"
    redirect, on change, delete and history pages alike."""

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> Any:
        obj = super().get_object(request, object_id, from_field)  # type: ignore[misc]
        if obj is None:
            raise Http404("Not in your facility.")
        return obj


class SuperuserOnlyMixin(ObjectOr404Mixin):
    """For what spans facilities (facilities themselves, role groups, the sign-in throttle's
    records): platform superusers only."""

    view_on_site: Callable[[Any], str | None] | bool = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        rows = super().get_queryset(request)  # type: ignore[misc]
        return rows if request.user.is_superuser else rows.none()

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return request.user.is_superuser


class NewUserForm(forms.ModelForm):
    """A new account starts without a password; the administrator then issues a reset link."""

    class Meta:
        model = User
        fields = ("username", "first_name", "last_name", "facility")

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user


@admin.register(User)
class HarborUserAdmin(ObjectOr404Mixin, UserAdmin):
    add_form = NewUserForm
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "first_name", "last_name")}),
        (_("Workplace"), {"fields": ("facility",)}),
    )
    # No password field: administrators issue a reset link instead (see `password_reset`).
    fieldsets = (
        (None, {"fields": ("username",)}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email", "language")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
        (_("Workplace"), {"fields": ("facility", "units")}),
    )
    list_display = ("username", "first_name", "last_name", "facility", "is_active")
    filter_horizontal = ("groups", "user_permissions", "units")
    view_on_site = False
    change_form_template = "admin/cases/user/change_form.html"

    def get_urls(self) -> list[URLPattern]:
        # Django's "set this user's password" page is gone; a reset link replaces it.
        urls = [
            url
            for url in super().get_urls()
            if getattr(url, "name", "") != "auth_user_password_change"
        ]
        reset = path(
            "<id>/password-reset/",
            self.admin_site.admin_view(self.password_reset),
            name="cases_user_password_reset",
        )
        return [reset, *urls]

    def get_list_filter(self, request: HttpRequest) -> Any:
        if request.user.is_superuser:
            return ("facility", "groups", "is_active")
        return ("groups", "is_active")

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        users = super().get_queryset(request)
        if request.user.is_superuser:
            return users
        return users.filter(facility_id=staff_of(request).facility_id, is_superuser=False)

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> Any:
        if request.user.is_superuser:
            return ()
        if obj is not None and obj.pk == request.user.pk:
            return ALWAYS_READ_ONLY + READ_ONLY_ON_SELF
        return ALWAYS_READ_ONLY

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "facility" and not request.user.is_superuser:
            kwargs["queryset"] = Facility.objects.filter(staff=staff_of(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "units" and not request.user.is_superuser:
            kwargs["queryset"] = Unit.objects.filter(facility__staff=staff_of(request))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        if not request.user.is_superuser:
            obj.facility_id = staff_of(request).facility_id
        super().save_model(request, obj, form, change)

    @transaction.atomic
    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        user = form.instance
        before = access_of(user) if change else ([], [])
        super().save_related(request, form, formsets, change)
        after = access_of(user)
        if after != before:
            audit.record(
                AuditEntry.Action.CONTENT_CHANGE,
                user=staff_of(request),
                object="user_access",
                target=user.pk,
                roles=after[0],
                units=after[1],
                previous_roles=before[0],
                previous_units=before[1],
            )

    def password_reset(self, request: HttpRequest, id: str) -> HttpResponse:
        """Confirm (GET), then issue (POST) a one-time link for this person to choose a new
        password. Their current password stops working and their sessions end at once."""
        person = self.get_object(request, id)
        if not self.has_change_permission(request, person):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "person": person,
            "opts": self.opts,
            "title": _("Password reset"),
        }
        if request.method == "POST":
            link = issue_password_reset(person, by=staff_of(request))
            context["link"] = request.build_absolute_uri(link)
            context["hours"] = settings.PASSWORD_RESET_TIMEOUT // 3600
        return TemplateResponse(request, "admin/cases/user/password_reset.html", context)


@transaction.atomic
def issue_password_reset(person: User, *, by: User) -> str:
    """Make `person`'s password unusable and return the path of a one-time link to set one.

    An unusable password changes the hash every session is checked against, so the person is
    signed out everywhere; the link's token is tied to that hash and to the last sign-in, so it
    stops working once used (or once the person signs in).
    """
    person.set_unusable_password()
    person.save(update_fields=["password"])
    audit.record(AuditEntry.Action.PASSWORD_RESET_ISSUED, user=by, target=person.pk)
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    token = default_token_generator.make_token(person)
    return reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})


def access_of(user: User) -> tuple[list[str], list[int]]:
    roles = sorted(user.groups.values_list("name", flat=True))
    units = sorted(user.units.values_list("pk", flat=True))
    return roles, units


@admin.register(Facility)
class FacilityAdmin(SuperuserOnlyMixin, admin.ModelAdmin):
    list_display = ("name", "jurisdiction", "security_phone", "emergency_phone")


@admin.register(Unit)
class UnitAdmin(ObjectOr404Mixin, admin.ModelAdmin):
    list_display = ("name", "facility")
    view_on_site = False

    def get_list_filter(self, request: HttpRequest) -> Any:
        return ("facility",) if request.user.is_superuser else ()

    def get_queryset(self, request: HttpRequest) -> QuerySet[Unit]:
        units = super().get_queryset(request)
        if request.user.is_superuser:
            return units
        return units.filter(facility_id=staff_of(request).facility_id)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "facility" and not request.user.is_superuser:
            kwargs["queryset"] = Facility.objects.filter(staff=staff_of(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Unit, form: Any, change: bool) -> None:
        if not request.user.is_superuser:
            facility = staff_of(request).facility
            if facility is None:  # an administrator of no facility has no units to keep
                raise PermissionDenied
            obj.facility = facility
        super().save_model(request, obj, form, change)


# Role groups and the sign-in throttle's records span facilities: superusers only.
admin.site.unregister(Group)


@admin.register(Group)
class HarborGroupAdmin(SuperuserOnlyMixin, GroupAdmin):
    pass


def _restrict_registered_to_superusers() -> None:
    """django-axes registers its own admin pages; keep their behaviour, superusers only."""
    for model in [m for m in admin.site._registry if m._meta.app_label == "axes"]:
        original = type(admin.site._registry[model])
        admin.site.unregister(model)
        restricted = type(f"Superuser{original.__name__}", (SuperuserOnlyMixin, original), {})
        admin.site.register(model, restricted)


_restrict_registered_to_superusers()
