from django.contrib.auth import views as auth_views
from django.urls import path

from sundhedskoordinator.notifications import views as notification_views

from . import views

app_name = "web"

urlpatterns = [
    path("", views.start, name="start"),
    path("log-ind/", views.LoginView.as_view(), name="login"),
    path("log-ud/", auth_views.LogoutView.as_view(), name="logout"),
    path("min-log/", views.my_access_log, name="my-access-log"),
    path("bekraeft/", views.confirm_second_factor, name="second-factor"),
    path("beskeder/", notification_views.inbox, name="inbox"),
]
