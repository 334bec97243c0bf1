"""The authorisation matrix: every URL pattern of the project has a row here, and every row that
shows case data is tried by every demo user, before and after the case is sent to the coordinator,
against the visibility rules of DESIGN section 2 written out independently of access/policy.py.
A new route without a row fails ``test_every_route_has_a_row``."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver

from sundhedskoordinator.access.models import AccessLog
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.walk import new_case, walk_case_to

pytestmark = pytest.mark.django_db

ODENSE_STAFF = {"sagsbehandler", "jobformidler", "sekretariat", "leder"}
SYDDANMARK_STAFF = {"koordinator", "klinisk"}
EVERYONE = {
    "sagsbehandler",
    "jobformidler",
    "sekretariat",
    "koordinator",
    "klinisk",
    "leder",
    "borger",
    "admin",
    "sagsbehandler2",
    "sekretariat2",
    "borger2",
    "koordinator2",
    "klinisk2",
}

# Who may see a case of borger (Odense), before and after it is sent to the coordinator.
SEES_CASE = {
    "before": ODENSE_STAFF | {"borger"},
    "after": ODENSE_STAFF | {"borger"} | SYDDANMARK_STAFF,
}
# Who may read its health data: the citizen, the responsible caseworker, the assigned coordinator.
SEES_HEALTH = {
    "before": {"sagsbehandler", "borger"},
    "after": {"sagsbehandler", "borger", "koordinator"},
}
# Who may read its access log: the responsible caseworker, Klinisk Funktion and the citizen.
SEES_LOG = {"before": {"sagsbehandler", "borger"}, "after": {"sagsbehandler", "borger", "klinisk"}}
SEES_MEETING = ODENSE_STAFF | SYDDANMARK_STAFF
SEES_CITIZEN = {"sagsbehandler", "jobformidler", "sekretariat"}
# Settlement and statistics: Klinisk Funktion of the region and the municipality's manager.
SEES_FIGURES = {"klinisk", "leder"}
HAS_FIGURES = SEES_FIGURES | {"klinisk2"}
PERIOD = "municipality={municipality}&from=2026-10-01&to=2026-10-31"
PAGE_PERIOD = "municipality={municipality}&date_from=2026-10-01&date_to=2026-10-31"


@dataclass(frozen=True)
class Read:
    """A GET that shows case data: the path (from the ids) and who may see it."""

    path: str
    allowed: dict[str, set[str]] | set[str]
    page: bool = False  # a page for a logged-in browser rather than an API call


@dataclass(frozen=True)
class Other:
    """A route that shows no case data to anyone, or whose refusals another test covers."""

    why: str


WRITES = "a write; every role and state refusal is tested in api/tests/test_refusals.py"
LISTS = "a list; scoped in the database query (api/tests/test_refusals.py, test_resources.py)"

ROUTES: dict[str, Read | Other] = {
    "health/live": Other("process health, no data"),
    "health/ready": Other("database health, no data"),
    "bench/baseline": Other("an empty page, only with BENCH_BASELINE (test_bench_baseline.py)"),
    "i18n/setlang/": Other("language switch, no data"),
    "log-ind/": Other("log-in form"),
    "log-ud/": Other("log-out"),
    "": Other("start page: the user's own roles only"),
    "oidc/authenticate/": Other("OpenID Connect log-in start (test_oidc.py)"),
    "oidc/callback/": Other("OpenID Connect log-in return (test_oidc.py)"),
    "bekraeft/": Other("second-factor form, no data"),
    **{
        f"sager/{route}": Other(
            "case-page forms and list: scoped like the API, posting to the "
            "same services (cases/tests/test_views.py)"
        )
        for route in (
            "",
            "ny/",
            "overblik/",
            "<int:case_id>/anmod/",
            "<int:case_id>/anmod-som-borger/",
            "<int:case_id>/fuldstaendig/",
            "<int:case_id>/ingen-helbredsoplysninger/",
            "<int:case_id>/dokumenter/",
            "<int:case_id>/planlaeg/",
            "<int:case_id>/tag-af-dagsorden/",
            "<int:case_id>/send/",
            "<int:case_id>/samtale/",
            "<int:case_id>/aflys/",
            "<int:case_id>/raadgivning/",
            "<int:case_id>/notat/",
            "<int:case_id>/stillingtagen/",
            "<int:case_id>/afslut/",
            "<int:case_id>/traek-tilbage/",
            "<int:case_id>/vejledning/",
            "<int:case_id>/bisidder/",
            "<int:case_id>/afvis/",
            "<int:case_id>/overtag/",
            "<int:case_id>/flyt/",
            "<int:case_id>/ret/",
        )
    },
    "sager/<int:case_id>/giv-videre/": Other(
        "the hand-on form: scoped like the case page, shown to those who may hand the case on "
        "and the others sent to the case (access/tests/test_assignment.py)"
    ),
    "sager/<int:case_id>/kvittering/": Other(
        "the citizen's receipt: scoped like the case page, others are sent to the case "
        "(cases/tests/test_receipt.py)"
    ),
    "sager/<int:case_id>/samtale.ics": Read("/sager/{case}/samtale.ics", SEES_CASE, page=True),
    "sager/<int:case_id>/": Read("/sager/{case}/", SEES_CASE, page=True),
    "sager/dokumenter/<int:document_id>/": Read(
        "/sager/dokumenter/{document}/", SEES_HEALTH, page=True
    ),
    "moeder/": Other("meeting list: scoped like the API's (meetings/tests/test_views.py)"),
    "moeder/nyt/": Other("new-meeting form: the team's secretariat only (meetings/tests)"),
    "moeder/<int:meeting_id>/": Read("/moeder/{meeting}/", SEES_MEETING, page=True),
    "moeder/<int:meeting_id>/send-alle/": Other(WRITES),
    "moeder/<int:meeting_id>/ret/": Other(
        "change a meeting: its team's secretariat only (cases/tests/test_meeting_pages.py)"
    ),
    "moeder/<int:meeting_id>/planlaeg/": Other(
        "schedule from the agenda: the case service's own rules "
        "(cases/tests/test_agenda_workbench.py)"
    ),
    "moeder/<int:meeting_id>/punkter/<int:item_id>/<str:action>/": Other(
        "an item's action from the agenda: its team's secretariat only "
        "(cases/tests/test_agenda_workbench.py)"
    ),
    "moeder/<int:meeting_id>/aflys/": Other(
        "cancel a meeting: its team's secretariat only (cases/tests/test_meeting_pages.py)"
    ),
    "borgere/": Other("the citizen register of the user's municipality (citizens/tests)"),
    "borgere/<int:citizen_id>/": Read("/borgere/{citizen}/", SEES_CITIZEN, page=True),
    "borgere/ny/": Other(
        "register a citizen: the municipality's caseworkers and job brokers only "
        "(citizens/tests/test_register.py)"
    ),
    "borgere/<int:citizen_id>/forloeb/": Other(
        "a ressourceforløb write, scoped like the citizen page (citizens/tests/test_register.py)"
    ),
    "borgere/<int:citizen_id>/forloeb/<int:course_id>/slut/": Other(
        "a ressourceforløb write, scoped like the citizen page (citizens/tests/test_register.py)"
    ),
    "beskeder/": Other("the user's own inbox: that there is news, never its content"),
    "min-log/": Other("the citizen's own access log only (web/tests/test_views.py)"),
    "api/v1/": Other("the API root answers 404"),
    "api/v1/openapi.json": Other("the API description, no data"),
    "api/v1/docs": Other("the API documentation page, no data"),
    "api/v1/auth/token": Other("token endpoint, tested in test_login_security.py"),
    "api/v1/cases": Other(LISTS),
    "api/v1/cases/<case_id>": Read("/api/v1/cases/{case}", SEES_CASE),
    "api/v1/cases/<case_id>/fhir": Read("/api/v1/cases/{case}/fhir", SEES_CASE),
    "api/v1/cases/<case_id>/events": Read("/api/v1/cases/{case}/events", SEES_CASE),
    "api/v1/cases/<case_id>/documents": Read("/api/v1/cases/{case}/documents", SEES_CASE),
    "api/v1/documents/<document_id>/content": Read(
        "/api/v1/documents/{document}/content", SEES_HEALTH
    ),
    "api/v1/cases/<case_id>/access-log": Read("/api/v1/cases/{case}/access-log", SEES_LOG),
    "api/v1/cases/<case_id>/access-log/fhir": Read(
        "/api/v1/cases/{case}/access-log/fhir", SEES_LOG
    ),
    "api/v1/me/access-log": Other("the user's own cases only (test_access_log.py)"),
    "api/v1/citizens": Other(LISTS),
    "api/v1/citizens/<citizen_id>": Read("/api/v1/citizens/{citizen}", SEES_CITIZEN),
    "api/v1/citizens/<citizen_id>/guidance": Other(WRITES),
    "api/v1/meetings": Other(LISTS),
    "api/v1/meetings/<meeting_id>": Read("/api/v1/meetings/{meeting}", SEES_MEETING),
    "api/v1/meetings/<meeting_id>/calendar.ics": Read(
        "/api/v1/meetings/{meeting}/calendar.ics", SEES_MEETING
    ),
    "api/v1/meetings/<meeting_id>/agenda": Read("/api/v1/meetings/{meeting}/agenda", SEES_MEETING),
    "api/v1/meetings/<meeting_id>/coordinators": Read(
        "/api/v1/meetings/{meeting}/coordinators", SEES_MEETING
    ),
    "api/v1/meetings/<meeting_id>/change": Other(
        "the team's secretariat only (cases/tests/test_meeting_lifecycle.py)"
    ),
    "api/v1/meetings/<meeting_id>/cancel": Other(
        "the team's secretariat only (cases/tests/test_meeting_lifecycle.py)"
    ),
    "api/v1/meetings/<meeting_id>/agenda.pdf": Read(
        "/api/v1/meetings/{meeting}/agenda.pdf", SEES_MEETING
    ),
    "moeder/<int:meeting_id>/dagsorden.pdf": Read(
        "/moeder/{meeting}/dagsorden.pdf", SEES_MEETING, page=True
    ),
    # The guidance letter of the world's citizen (issued with the written guidance).
    "api/v1/documents/issued/<document_id>/content": Read(
        "/api/v1/documents/issued/{letter}/content", SEES_CITIZEN | {"borger"}
    ),
    "borgere/<int:citizen_id>/digital-post/": Other("a write; refusals in post/tests/"),
    "breve/": Other("the citizen's own letters: her own query (post/tests/test_pages.py)"),
    # A letter to the citizen: she and the caseworker on her case, nobody else in scope.
    "breve/<int:delivery_id>/": Read("/breve/{summons}/", {"sagsbehandler", "borger"}, page=True),
    "breve/<int:delivery_id>/kalender.ics": Other(
        "the letter's invitation: as the letter (post/tests/)"
    ),
    "breve/<int:delivery_id>/send-med-posten/": Other("a write; refusals in post/tests/"),
    "breve/<int:delivery_id>/send-igen/": Other("a write; refusals in post/tests/"),
    "breve/print/": Other("the paper batch: the municipality's caseworkers (post/tests/)"),
    "dokumenter/udstedt/<int:document_id>/": Read(
        "/dokumenter/udstedt/{letter}/", SEES_CITIZEN | {"borger"}, page=True
    ),
    "afregning/": Read("/afregning/", HAS_FIGURES, page=True),
    "afregning/eksport.csv": Read(f"/afregning/eksport.csv?{PAGE_PERIOD}", SEES_FIGURES, page=True),
    "afregning/eksport.xlsx": Read(
        f"/afregning/eksport.xlsx?{PAGE_PERIOD}", SEES_FIGURES, page=True
    ),
    "afregning/godkend/": Other("approval: Klinisk Funktion only (billing/tests/test_views.py)"),
    "afregning/takster/": Read("/afregning/takster/", {"klinisk", "klinisk2"}, page=True),
    "statistik/": Read("/statistik/", HAS_FIGURES, page=True),
    "api/v1/settlements": Read(f"/api/v1/settlements?{PERIOD}", SEES_FIGURES),
    "api/v1/settlements.csv": Read(f"/api/v1/settlements.csv?{PERIOD}", SEES_FIGURES),
    "api/v1/settlements.xlsx": Read(f"/api/v1/settlements.xlsx?{PERIOD}", SEES_FIGURES),
    "api/v1/rates": Other("rates of the user's own regions; writes in billing/tests/test_api.py"),
    "api/v1/rates/preview": Other("a preview of a write, Klinisk Funktion's (billing/tests/)"),
    "api/v1/statistics/monthly": Read(
        "/api/v1/statistics/monthly?from=2026-01-01&to=2026-11-23&municipality={municipality}",
        SEES_FIGURES,
    ),
    "statistik/pr-maaned.<str:fmt>": Read(
        "/statistik/pr-maaned.csv?date_from=2026-01-01&date_to=2026-11-23"
        "&municipality={municipality}",
        SEES_FIGURES,
        page=True,
    ),
    "api/v1/statistics": Read(
        "/api/v1/statistics?from=2026-01-01&to=2026-11-23&municipality={municipality}",
        SEES_FIGURES,
    ),
    **{
        f"api/v1/cases/<case_id>/{action}": Other(WRITES)
        for action in (
            "submit",
            "complete",
            "schedule",
            "unschedule",
            "dispatch",
            "hold-conversation",
            "cancel",
            "file-note",
            "advice",
            "decision",
            "close",
            "withdraw",
            "reject",
            "reassign",
            "take-over",
            "companion",
            "move",
        )
    },
}
HEALTH_ROUTES = {
    "breve/<int:delivery_id>/",  # a letter to the citizen may carry health content: logged
    "api/v1/cases/<case_id>",
    "api/v1/cases/<case_id>/documents",  # document names are health content
    "api/v1/cases/<case_id>/fhir",
    "api/v1/documents/<document_id>/content",
    "sager/<int:case_id>/",
    "sager/dokumenter/<int:document_id>/",
}
ADMIN_PREFIX = "admin/"  # the admin site: staff only, tested in web/tests/test_admin.py


def _routes(resolver=None, prefix=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


def test_every_route_has_a_row():
    missing = {r for r in _routes() if not r.startswith(ADMIN_PREFIX) and r not in ROUTES}
    assert not missing, f"Add these routes to the authorisation matrix: {sorted(missing)}"
    stale = set(ROUTES) - set(_routes())
    assert not stale, f"Rows for routes that no longer exist: {sorted(stale)}"


@pytest.mark.parametrize("moment", ["before", "after"])
def test_every_user_gets_exactly_what_design_section_2_allows(world, api, moment):
    world.citizen.user = world.users["borger"]
    world.citizen.save()
    target = Status.SCHEDULED if moment == "before" else Status.SENT
    case = walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        target,
        cast=world.cast,
        meeting=world.meeting,
    )
    ids = {
        "case": case.pk,
        "document": case.documents.get(kind="health_information").pk,
        "citizen": world.citizen.pk,
        "meeting": world.meeting.pk,
        "letter": world.citizen.guidance.get().letter.pk,
        "municipality": world.team.municipality_id,
        "summons": case.deliveries.get(kind="summons", channel="digital_post").pk,
    }
    failures = []
    for route, row in ROUTES.items():
        if not isinstance(row, Read):
            continue
        allowed = row.allowed[moment] if isinstance(row.allowed, dict) else row.allowed
        path = row.path.format(**ids)
        for username in sorted(EVERYONE):
            client = api(username)
            reads_before = AccessLog.objects.filter(
                case=case, action__in=["view", "download"]
            ).count()
            if row.page:
                browser = Client()
                browser.force_login(world.users[username])
                response = browser.get(path)
            else:
                response = client.client.get(
                    path, headers={"Authorization": f"Bearer {client.token}"}
                )
            expected = 200 if username in allowed else 404
            if response.status_code != expected:
                failures.append(f"{route} {username} {moment}: {response.status_code}")
                continue
            logged = (
                AccessLog.objects.filter(case=case, action__in=["view", "download"]).count()
                - reads_before
            )
            shows_health = (
                route in HEALTH_ROUTES and username in SEES_HEALTH[moment] and username in allowed
            )
            if (
                response.status_code == 200
                and route == "api/v1/cases/<case_id>"
                and response.json()["health_data_included"] != shows_health
            ):
                failures.append(f"{route} {username} {moment}: health data shown wrongly")
            if logged != (1 if shows_health else 0):
                failures.append(f"{route} {username} {moment}: {logged} access-log entries")
    assert not failures, "\n".join(failures)
