from django.contrib import admin
from django.urls import include, path

from sundhedskoordinator.access import oidc
from sundhedskoordinator.api.urls import api
from sundhedskoordinator.web import views as web_views

urlpatterns = [
    path("health/live", web_views.health_live, name="health-live"),
    path("health/ready", web_views.health_ready, name="health-ready"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("oidc/authenticate/", oidc.authenticate, name="oidc_authentication_init"),
    path("oidc/callback/", oidc.callback, name="oidc_authentication_callback"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("sager/", include("sundhedskoordinator.cases.urls")),
    path("moeder/", include("sundhedskoordinator.meetings.urls")),
    path("borgere/", include("sundhedskoordinator.citizens.urls")),
    path("dokumenter/", include("sundhedskoordinator.documents.urls")),
    path("afregning/", include("sundhedskoordinator.billing.urls")),
    path("statistik/", include("sundhedskoordinator.reports.urls")),
    path("", include("sundhedskoordinator.web.urls")),
]
