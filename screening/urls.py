from django.urls import path

from screening import answer_views, editor_views, gate_views, views

app_name = "screening"

urlpatterns = [
    path("cases/<str:case_ref>/", views.case_screening, name="case-screening"),
    path("cases/<str:case_ref>/start/", gate_views.start_screening, name="start-screening"),
    path("cases/<str:case_ref>/not-screened/", gate_views.record_not_screened, name="not-screened"),
    path(
        "cases/<str:case_ref>/signs/<int:observation_id>/",
        answer_views.save_observation,
        name="save-observation",
    ),
    path(
        "cases/<str:case_ref>/answers/<int:answer_id>/",
        answer_views.save_answer,
        name="save-answer",
    ),
    path("cases/<str:case_ref>/summary/", views.screening_summary, name="summary"),
    path("cases/<str:case_ref>/pause/", gate_views.pause_screening, name="pause-screening"),
    path("cases/<str:case_ref>/resume/", gate_views.resume_screening, name="resume-screening"),
    path("cases/<str:case_ref>/finish/", gate_views.complete_screening, name="complete-screening"),
    path(
        "cases/<str:case_ref>/instruments/<int:instrument_id>/",
        answer_views.save_instrument,
        name="save-instrument",
    ),
    path(
        "cases/<str:case_ref>/response.json", answer_views.export_response, name="export-response"
    ),
    path("content/", editor_views.admin_banks, name="admin-banks"),
    path("content/import/", editor_views.import_content, name="import-content"),
    path("content/banks/<int:bank_id>/", editor_views.edit_bank, name="edit-bank"),
    path(
        "content/banks/<int:bank_id>/questionnaire.json",
        editor_views.export_bank,
        name="export-bank",
    ),
    path("content/signs/<int:set_id>/", editor_views.edit_indicators, name="edit-indicators"),
    path(
        "content/instruments/<int:instrument_id>/",
        editor_views.edit_instrument,
        name="edit-instrument",
    ),
    path(
        "content/instruments/<int:instrument_id>/questionnaire.json",
        editor_views.export_instrument,
        name="export-instrument",
    ),
]
