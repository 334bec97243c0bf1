from django.urls import path

from . import views

app_name = "billing"

urlpatterns = [
    path("", views.settlement, name="settlement"),
    path("godkend/", views.approve, name="approve"),
    path("eksport.csv", views.export, {"fmt": "csv"}, name="export-csv"),
    path("eksport.xlsx", views.export, {"fmt": "xlsx"}, name="export-xlsx"),
    path("takster/", views.rates, name="rates"),
]
