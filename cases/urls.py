from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("", views.home, name="home"),
    path("cases/new/", views.start_case, name="start-case"),
    path("cases/<str:case_ref>/", views.case_detail, name="case-detail"),
    path("cases/<str:case_ref>/summary/", views.case_summary, name="case-summary"),
    path("cases/<str:case_ref>/edit/", views.edit_case, name="edit-case"),
    path("cases/<str:case_ref>/escalate/", views.escalate_case, name="escalate-case"),
    path(
        "cases/<str:case_ref>/escalation/resolve/",
        views.resolve_escalation,
        name="resolve-escalation",
    ),
    path("cases/<str:case_ref>/access-log/", views.case_access_log, name="case-access-log"),
    path("cases/<str:case_ref>/assign/", views.assign_case, name="assign-case"),
    path("cases/<str:case_ref>/line-called/", views.log_line_call, name="log-line-call"),
    path("facility/", views.facility_settings, name="facility-settings"),
    path("hide/", views.quick_hide, name="quick-hide"),
    path("lock/", views.idle_lock, name="idle-lock"),
    path("welcome/", views.neutral, name="neutral"),
]
