from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from cases.views import PasswordResetConfirmView, SignInView, favicon

urlpatterns = [
    path(
        "accounts/login/",
        SignInView.as_view(),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # The JavaScript catalogue (static/harbor/*.js call gettext() from it). Signed-in pages only,
    # like every URL: the sign-in page does not load it, and the scripts fall back to English.
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("favicon.ico", favicon, name="favicon"),
    path("manage/", admin.site.urls),
    path("screening/", include("screening.urls")),
    path("safety/", include("safety.urls")),
    path("referrals/", include("referrals.urls")),
    path("documentation/", include("documentation.urls")),
    path("", include("cases.urls")),
]
