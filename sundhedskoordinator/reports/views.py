"""The statistics page: the same figures as ``GET /api/v1/statistics``, each chart with its
figures in a table beside it (WCAG 2.1: 1.1.1 and 1.4.1, no information by graphics alone)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.views.decorators.cache import never_cache

from sundhedskoordinator.core import clock
from sundhedskoordinator.core.errors import DomainError, NotFoundError
from sundhedskoordinator.core.forms import add_domain_error
from sundhedskoordinator.organisations.models import User

from .exports import monthly_download
from .forms import StatisticsForm, this_year
from .selectors import (
    Places,
    StatisticsFilter,
    figure_places,
    monthly,
    statistics_and_months,
)

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


def _form(request: HttpRequest, places: Places) -> StatisticsForm:
    if not places.municipalities:
        raise Http404
    if "date_from" in request.GET:
        return StatisticsForm(request.GET, places=places)
    start, end = this_year(clock.today())
    return StatisticsForm({"date_from": start, "date_to": end}, places=places)


def _filters(form: StatisticsForm) -> StatisticsFilter:
    data = form.cleaned_data
    return StatisticsFilter(
        data["date_from"],
        data["date_to"],
        data["region"],
        data["municipality"],
        data["team"],
    )


@login_required
@never_cache
def statistics_page(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    # The user's places are read once: for the filters' choices and for the figures' scope.
    places = figure_places(user)
    form = _form(request, places)
    figures = trend = None
    if form.is_valid():
        try:
            figures, trend = statistics_and_months(user=user, filters=_filters(form), places=places)
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
    if trend is not None:
        charts["trend"] = bar_chart(
            [
                {"label": date_format(row["month"], "F Y"), "count": row["requests_sent"]}
                for row in trend["months"]
            ]
        )
    return render(
        request,
        "reports/statistics.html",
        {
            "form": form,
            "figures": figures,
            "charts": charts,
            "trend": _trend_table(trend) if trend is not None else None,
            "export_query": request.GET.urlencode(),
        },
    )


def _trend_table(trend: dict[str, Any]) -> dict[str, Any]:
    """The monthly figures as rows of values in the series' order, for the page's table."""
    keys = [entry["key"] for entry in trend["series"]]
    return {
        **trend,
        "rows": [
            {"month": row["month"], "values": [row[key] for key in keys]} for row in trend["months"]
        ],
    }


@login_required
@never_cache
def monthly_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The monthly figures as CSV or XLSX, for the same filters as the page."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    user = _user(request)
    places = figure_places(user)
    form = _form(request, places)
    if not form.is_valid():
        if {"region", "municipality", "team"} & set(form.errors):
            raise Http404  # a place outside the user's figures: as if it did not exist
        return redirect(f"{reverse('reports:statistics')}?{request.GET.urlencode()}")
    try:
        data = monthly(user=user, filters=_filters(form), places=places)
    except NotFoundError:
        raise Http404 from None
    except DomainError:
        return redirect(f"{reverse('reports:statistics')}?{request.GET.urlencode()}")
    return monthly_download(data, fmt)
