from django.urls import path

from . import views

app_name = "citizens"

urlpatterns = [
    path("", views.citizen_list, name="list"),
    path("<int:citizen_id>/", views.citizen_detail, name="detail"),
]
