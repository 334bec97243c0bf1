import pytest
from django.db import DatabaseError, transaction

from sundhedskoordinator.access.models import AccessAction, AccessLog
from sundhedskoordinator.access.services import log_access
from sundhedskoordinator.audit.models import CaseEvent
from sundhedskoordinator.cases.walk import new_case

pytestmark = pytest.mark.django_db


def test_the_database_refuses_to_change_or_delete_access_log_entries(world):
    entry = log_access(
        user=world.users["sagsbehandler"], action=AccessAction.VIEW, object_type="case", object_id=1
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.filter(pk=entry.pk).update(purpose="skjult")
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.filter(pk=entry.pk).delete()
    assert AccessLog.objects.get(pk=entry.pk).purpose == ""


def test_the_database_refuses_to_change_or_delete_case_events(world):
    new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    event = CaseEvent.objects.first()
    with pytest.raises(DatabaseError), transaction.atomic():
        CaseEvent.objects.filter(pk=event.pk).update(kind="case_closed")
    with pytest.raises(DatabaseError), transaction.atomic():
        CaseEvent.objects.filter(pk=event.pk).delete()
    assert CaseEvent.objects.filter(pk=event.pk).exists()
