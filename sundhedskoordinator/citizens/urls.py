from django.urls import path

from . import views

app_name = "citizens"

urlpatterns = [
    path("", views.citizen_list, name="list"),
    path("ny/", views.citizen_create, name="create"),
    path("<int:citizen_id>/", views.citizen_detail, name="detail"),
    path("<int:citizen_id>/forloeb/", views.course_add, name="course-add"),
    path("<int:citizen_id>/digital-post/", views.digital_post, name="digital-post"),
    path("<int:citizen_id>/forloeb/<int:course_id>/slut/", views.course_end, name="course-end"),
]
