from django.urls import path

from documentation import editor_views, print_views, views

app_name = "documentation"

urlpatterns = [
    path("cases/<str:case_ref>/", views.case_notes, name="case-notes"),
    path("cases/<str:case_ref>/start/", views.start_note, name="start-note"),
    path("cases/<str:case_ref>/save/", views.save_note, name="save-note"),
    path("cases/<str:case_ref>/injuries/", views.add_injury, name="add-injury"),
    path(
        "cases/<str:case_ref>/injuries/<str:injury_id>/remove/",
        views.remove_injury,
        name="remove-injury",
    ),
    path("cases/<str:case_ref>/offers/<slug:section>/", views.settle_offer, name="settle-offer"),
    path("cases/<str:case_ref>/codes/", views.suggest_codes, name="suggest-codes"),
    path("cases/<str:case_ref>/codes/choose/", views.choose_codes, name="choose-codes"),
    path("cases/<str:case_ref>/finalise/", views.finalise_note, name="finalise-note"),
    path("cases/<str:case_ref>/addenda/", views.add_addendum, name="add-addendum"),
    path("cases/<str:case_ref>/addenda/check/", views.check_addendum, name="check-addendum"),
    path("cases/<str:case_ref>/ehr-text/", views.ehr_export, name="ehr-export"),
    path("cases/<str:case_ref>/print/card/", print_views.print_card, name="print-card"),
    path("cases/<str:case_ref>/print/slip/", print_views.print_slip, name="print-slip"),
    path("cases/<str:case_ref>/print/contacts/", print_views.print_contacts, name="print-contacts"),
    path("cases/<str:case_ref>/print/handover/", print_views.print_handover, name="print-handover"),
    path("language-check/", editor_views.admin_word_list, name="admin-word-list"),
    path("templates/", editor_views.admin_note_templates, name="admin-note-templates"),
    path("templates/<slug:slug>/", editor_views.admin_note_template, name="admin-note-template"),
]
