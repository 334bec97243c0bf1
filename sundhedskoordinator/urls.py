from django.contrib import admin
from django.urls import include, path

from sundhedskoordinator.access.admin import admin_login, admin_site_permission
from sundhedskoordinator.api.urls import api
from sundhedskoordinator.web import oidc
from sundhedskoordinator.web import views as web_views
from sundhedskoordinator.web.body_limits import bad_request

# The admin site asks for the second factor where the deployment requires it (OTP_REQUIRED), as
# django-otp's OTPAdminSite does, and logs in through the service's own log-in page.
admin.site.has_permission = admin_site_permission  # type: ignore[method-assign]

# A body Django cannot read or will not take: 400 or 413 in Danish (the API's in its error shape).
handler400 = bad_request

urlpatterns = [
    path("health/live", web_views.health_live, name="health-live"),
    path("health/ready", web_views.health_ready, name="health-ready"),
    path("bench/baseline", web_views.bench_baseline, name="bench-baseline"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("oidc/authenticate/", oidc.authenticate, name="oidc_authentication_init"),
    path("oidc/callback/", oidc.callback, name="oidc_authentication_callback"),
    path("admin/login/", admin_login, name="admin-login"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("sager/", include("sundhedskoordinator.cases.urls")),
    path("moeder/", include("sundhedskoordinator.cases.meeting_urls")),
    path("borgere/", include("sundhedskoordinator.citizens.urls")),
    path("dokumenter/", include("sundhedskoordinator.documents.urls")),
    path("breve/", include("sundhedskoordinator.post.urls")),
    path("afregning/", include("sundhedskoordinator.billing.urls")),
    path("statistik/", include("sundhedskoordinator.reports.urls")),
    path("", include("sundhedskoordinator.web.urls")),
]
