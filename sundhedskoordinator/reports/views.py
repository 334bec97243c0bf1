"""The statistics page: the same figures as ``GET /api/v1/statistics``, each chart with its
figures in a table beside it (WCAG 2.1: 1.1.1 and 1.4.1, no information by graphics alone)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from sundhedskoordinator.access.policy import figure_municipalities
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.errors import DomainError, NotFoundError
from sundhedskoordinator.core.forms import add_domain_error
from sundhedskoordinator.organisations.models import User

from .forms import StatisticsForm, this_year
from .selectors import StatisticsFilter, statistics

#: Geometry of the horizontal bar charts, in SVG user units.
LABEL_WIDTH, BAR_AREA, ROW_HEIGHT, BAR_HEIGHT = 340, 300, 30, 20


def bar_chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Bars for rows of ``label`` and ``count``, scaled to the largest count."""
    largest = max((row["count"] for row in rows), default=0) or 1
    bars = []
    for index, row in enumerate(rows):
        width = round(BAR_AREA * row["count"] / largest)
        y = index * ROW_HEIGHT
        bars.append(
            {
                **row,
                "y": y,
                "text_y": y + BAR_HEIGHT - 5,
                "width": width,
                "value_x": LABEL_WIDTH + width + 6,
            }
        )
    return {
        "bars": bars,
        "height": max(len(rows), 1) * ROW_HEIGHT,
        "label_width": LABEL_WIDTH,
        "bar_height": BAR_HEIGHT,
        "total_width": LABEL_WIDTH + BAR_AREA + 60,
    }


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
@never_cache
def statistics_page(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    municipalities = figure_municipalities(user)
    if not municipalities.exists():
        raise Http404
    if "date_from" in request.GET:
        form = StatisticsForm(request.GET, municipalities=municipalities)
    else:
        start, end = this_year(clock.today())
        form = StatisticsForm({"date_from": start, "date_to": end}, municipalities=municipalities)
    figures = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            figures = statistics(
                user=user,
                filters=StatisticsFilter(
                    data["date_from"],
                    data["date_to"],
                    data["region"].pk if data["region"] else None,
                    data["municipality"].pk if data["municipality"] else None,
                    data["team"].pk if data["team"] else None,
                ),
            )
        except NotFoundError:
            raise Http404 from None
        except DomainError as error:
            add_domain_error(form, error)
    charts = {}
    if figures is not None:
        charts = {
            "refusals": bar_chart(figures["refusals_by_reason"]),
            "cancellations": bar_chart(figures["cancellations_by_reason"]),
            "states": bar_chart(figures["cases_by_state"]),
            "sent_states": bar_chart(figures["sent_cases_by_state"]),
            "outcomes": bar_chart(figures["outcomes"]),
        }
    return render(
        request,
        "reports/statistics.html",
        {"form": form, "figures": figures, "charts": charts},
    )
