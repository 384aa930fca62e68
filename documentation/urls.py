from django.urls import path

from documentation import views

app_name = "documentation"

urlpatterns = [
    path("cases/<str:case_ref>/", views.case_notes, name="case-notes"),
]
