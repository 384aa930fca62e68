from django.urls import path

from safety import views

app_name = "safety"

urlpatterns = [
    path("cases/<str:case_ref>/", views.case_safety, name="case-safety"),
    path("cases/<str:case_ref>/care/", views.case_care, name="case-care"),
    path("cases/<str:case_ref>/reporting/", views.case_reporting, name="case-reporting"),
]
