from django.urls import path

from screening import views

app_name = "screening"

urlpatterns = [
    path("cases/<str:case_ref>/", views.case_screening, name="case-screening"),
]
