from django.urls import path

from safety import reporting_views, rule_table_views, views

app_name = "safety"

urlpatterns = [
    path("cases/<str:case_ref>/", views.case_safety, name="case-safety"),
    path("cases/<str:case_ref>/care/", views.case_care, name="case-care"),
    path("cases/<str:case_ref>/reporting/", reporting_views.case_reporting, name="case-reporting"),
    path(
        "cases/<str:case_ref>/checklists/<slug:checklist>/<slug:item>/",
        views.set_checklist_item,
        name="set-checklist-item",
    ),
    path("cases/<str:case_ref>/threat/", views.report_threat, name="report-threat"),
    path("cases/<str:case_ref>/threat/undo/", views.undo_threat, name="undo-threat"),
    path("cases/<str:case_ref>/capacity/", reporting_views.assess_capacity, name="assess-capacity"),
    path(
        "cases/<str:case_ref>/reporting/check/",
        reporting_views.check_reporting,
        name="check-reporting",
    ),
    path(
        "cases/<str:case_ref>/disclosures/", reporting_views.log_disclosure, name="log-disclosure"
    ),
    path("checklists/", views.admin_checklists, name="admin-checklists"),
    path("checklists/<slug:slug>/", views.admin_checklist, name="admin-checklist"),
    path("jurisdictions/", rule_table_views.admin_jurisdictions, name="admin-jurisdictions"),
    path(
        "jurisdictions/<str:code>/", rule_table_views.admin_jurisdiction, name="admin-jurisdiction"
    ),
]
