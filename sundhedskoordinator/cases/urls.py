from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("ny/", views.case_create, name="create"),
    path("overblik/", views.overview, name="overview"),
    path("<int:case_id>/", views.case_detail, name="detail"),
    path("<int:case_id>/anmod/", views.submit, name="submit"),
    path("<int:case_id>/anmod-som-borger/", views.submit_for_citizen, name="submit-citizen"),
    path("<int:case_id>/fuldstaendig/", views.complete, name="complete"),
    path(
        "<int:case_id>/ingen-helbredsoplysninger/",
        views.note_no_health_information,
        name="no-health-information",
    ),
    path("<int:case_id>/dokumenter/", views.add_document, name="add-document"),
    path("<int:case_id>/ret/", views.edit, name="edit"),
    path("<int:case_id>/samtale.ics", views.meeting_invitation, name="invitation"),
    path("<int:case_id>/planlaeg/", views.schedule, name="schedule"),
    path("<int:case_id>/tag-af-dagsorden/", views.unschedule, name="unschedule"),
    path("<int:case_id>/send/", views.dispatch, name="dispatch"),
    path("<int:case_id>/samtale/", views.hold_conversation, name="hold-conversation"),
    path("<int:case_id>/aflys/", views.cancel, name="cancel"),
    path("<int:case_id>/raadgivning/", views.advice, name="advice"),
    path("<int:case_id>/notat/", views.file_note, name="file-note"),
    path("<int:case_id>/stillingtagen/", views.decide, name="decide"),
    path("<int:case_id>/afslut/", views.close, name="close"),
    path("<int:case_id>/traek-tilbage/", views.withdraw, name="withdraw"),
    path("<int:case_id>/vejledning/", views.record_guidance, name="guidance"),
    path("<int:case_id>/kvittering/", views.receipt, name="receipt"),
    path("<int:case_id>/bisidder/", views.companion, name="companion"),
    path("<int:case_id>/afvis/", views.reject, name="reject"),
    path("<int:case_id>/giv-videre/", views.reassign, name="reassign"),
    path("<int:case_id>/overtag/", views.take_over, name="take-over"),
    path("<int:case_id>/flyt/", views.move, name="move"),
    path("dokumenter/<int:document_id>/", views.download, name="download"),
]
