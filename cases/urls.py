from django.urls import path

from cases import figures_views, review_views, translation_views, views

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
    path("review/", review_views.queue, name="review-queue"),
    path("review/work/", review_views.work, name="work-lists"),
    path("review/figures/", figures_views.figures_page, name="figures"),
    path("review/figures.csv", figures_views.figures_csv, name="figures-csv"),
    path("cases/<str:case_ref>/review/", review_views.review_case, name="review-case"),
    path("cases/<str:case_ref>/review/comment/", review_views.comment, name="review-comment"),
    path("cases/<str:case_ref>/review/return/", review_views.return_case, name="review-return"),
    path("cases/<str:case_ref>/review/sign-off/", review_views.sign_off, name="review-sign-off"),
    path("facility/", views.facility_settings, name="facility-settings"),
    path("content/languages/", translation_views.content_languages, name="content-languages"),
    path(
        "content/languages/review/",
        translation_views.mark_translation_reviewed,
        name="mark-translation-reviewed",
    ),
    path(
        "content/languages/<slug:kind>/<slug:slug>/<str:language>/",
        translation_views.translate_content,
        name="translate-content",
    ),
    path(
        "content/languages/add/",
        translation_views.add_content_language,
        name="add-content-language",
    ),
    path("hide/", views.quick_hide, name="quick-hide"),
    path("lock/", views.idle_lock, name="idle-lock"),
    path("welcome/", views.neutral, name="neutral"),
    path("language/", views.switch_language, name="switch-language"),
]
