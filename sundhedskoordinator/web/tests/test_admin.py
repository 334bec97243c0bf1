"""Every admin page the system administrator reaches opens, in Danish, on the demo world."""

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_every_admin_list_and_first_object_open_for_the_administrator(client, now):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    from sundhedskoordinator.organisations.models import User

    client.force_login(User.objects.get(username="admin"))
    assert "Systemadministration" in client.get(reverse("admin:index")).content.decode()
    for model in admin.site._registry:
        meta = model._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url
        first = model.objects.first()
        if first is not None:
            change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[first.pk])
            assert client.get(change).status_code == 200, change


def test_cases_cannot_be_changed_from_the_admin(client, now):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    from sundhedskoordinator.cases.models import Case
    from sundhedskoordinator.organisations.models import User

    client.force_login(User.objects.get(username="admin"))
    case = Case.objects.filter(status="draft").first()
    url = reverse("admin:cases_case_change", args=[case.pk])
    response = client.post(url, {"status": "closed"})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == "draft"


def test_staff_without_admin_rights_cannot_open_the_admin(client, demo_users):
    client.force_login(demo_users["sagsbehandler"])
    assert client.get(reverse("admin:index")).status_code == 302
