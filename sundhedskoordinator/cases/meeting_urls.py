from django.urls import path

from . import meeting_views as views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("nyt/", views.meeting_create, name="create"),
    path("<int:meeting_id>/", views.agenda, name="agenda"),
    path("<int:meeting_id>/dagsorden.pdf", views.agenda_pdf, name="agenda-pdf"),
    path("<int:meeting_id>/send-alle/", views.dispatch_all, name="dispatch-all"),
    path("<int:meeting_id>/ret/", views.meeting_change, name="change"),
    path("<int:meeting_id>/planlaeg/", views.agenda_schedule, name="schedule"),
    path("<int:meeting_id>/punkter/<int:item_id>/<str:action>/", views.agenda_item, name="item"),
    path("<int:meeting_id>/aflys/", views.meeting_cancel, name="cancel"),
]
