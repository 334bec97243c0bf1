from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("udstedt/<int:document_id>/", views.issued_download, name="issued"),
]
