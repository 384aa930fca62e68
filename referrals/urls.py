from django.urls import path

from referrals import views

app_name = "referrals"

urlpatterns = [
    path("cases/<str:case_ref>/", views.case_referrals, name="case-referrals"),
]
