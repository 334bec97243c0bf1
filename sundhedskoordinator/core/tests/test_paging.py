"""``by_keys``: a page of an ordered list, its rows read by their keys from another query."""

import pytest

from sundhedskoordinator.core.paging import by_keys
from sundhedskoordinator.organisations.models import Municipality

pytestmark = pytest.mark.django_db


def test_a_page_in_the_lists_order_from_the_rows_the_details_hold(demo_users):
    by_name = Municipality.objects.order_by("-name", "pk")
    names = list(by_name.values_list("name", flat=True))
    assert len(names) >= 3
    assert [m.name for m in by_keys(by_name, 1, 3, Municipality.objects.all())] == names[1:3]
    held = Municipality.objects.exclude(name=names[1])
    assert [m.name for m in by_keys(by_name, 0, 3, held)] == [names[0], names[2]]
    assert by_keys(by_name, len(names), len(names) + 5, Municipality.objects.all()) == []


def test_an_unordered_list_is_refused(demo_users):
    with pytest.raises(ValueError, match="ordered"):
        by_keys(Municipality.objects.order_by(), 0, 10, Municipality.objects.all())
