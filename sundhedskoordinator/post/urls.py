from django.urls import path

from . import views

app_name = "post"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:delivery_id>/", views.letter, name="letter"),
    path("<int:delivery_id>/kalender.ics", views.calendar, name="calendar"),
    path("<int:delivery_id>/send-igen/", views.send_again, name="send-again"),
    path("<int:delivery_id>/send-med-posten/", views.send_by_post, name="send-by-post"),
    path("print/", views.print_batch, name="print"),
]
