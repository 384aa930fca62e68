from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

admin.site.site_header = "Harbor administration"
admin.site.site_title = "Harbor administration"
admin.site.index_title = "Users, units and facilities"

urlpatterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("manage/", admin.site.urls),
    path("screening/", include("screening.urls")),
    path("safety/", include("safety.urls")),
    path("referrals/", include("referrals.urls")),
    path("documentation/", include("documentation.urls")),
    path("", include("cases.urls")),
]
