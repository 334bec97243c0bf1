from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.statistics_page, name="statistics"),
    path("pr-maaned.<str:fmt>", views.monthly_export, name="monthly-export"),
]
