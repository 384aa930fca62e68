from django.urls import path

from referrals import views

app_name = "referrals"

urlpatterns = [
    path("search/", views.search, name="search"),
    path("cases/<str:case_ref>/", views.case_referrals, name="case-referrals"),
    path("cases/<str:case_ref>/search/", views.case_search, name="case-search"),
    path("cases/<str:case_ref>/barriers/", views.save_barriers, name="save-barriers"),
    path(
        "cases/<str:case_ref>/offer/<uuid:service_id>/", views.offer_service, name="offer-service"
    ),
    path("cases/<str:case_ref>/help-declined/", views.help_declined, name="help-declined"),
    path(
        "cases/<str:case_ref>/<int:referral_id>/decision/",
        views.record_decision,
        name="record-decision",
    ),
    path(
        "cases/<str:case_ref>/<int:referral_id>/status/", views.change_status, name="change-status"
    ),
    path(
        "cases/<str:case_ref>/<int:referral_id>/follow-up/",
        views.set_follow_up,
        name="set-follow-up",
    ),
    path("cases/<str:case_ref>/<int:referral_id>/contact/", views.log_contact, name="log-contact"),
    path(
        "cases/<str:case_ref>/<int:referral_id>/handover/",
        views.record_handover,
        name="record-handover",
    ),
    path("directory/", views.directory, name="directory"),
    path("directory/new/", views.service_new, name="service-new"),
    path("directory/settings/", views.directory_settings, name="directory-settings"),
    path("directory/import/", views.directory_import, name="directory-import"),
    path(
        "directory/import/<int:import_id>/commit/",
        views.directory_import_commit,
        name="directory-import-commit",
    ),
    path("directory/export.json", views.directory_export, name="directory-export"),
    path("directory/export.zip", views.directory_export_tabular, name="directory-export-tabular"),
    path("directory/<uuid:service_id>/", views.service_edit, name="service-edit"),
    path("directory/<uuid:service_id>/verify/", views.service_verify, name="service-verify"),
    path("directory/<uuid:service_id>/status/", views.service_status, name="service-status"),
]
