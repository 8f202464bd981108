"""The dashboard's pages, files and public JSON, mounted by `surplus.server` at the root.

English pages live at `/...`, Urdu ones at `/ur/...`; both render the same templates with the
language's catalog and formatter. The public routes show aggregates only; `/operator/`
needs a session (session.py).
"""

from __future__ import annotations

import logging
import math
from datetime import UTC, datetime
from functools import cache
from importlib.resources import files
from typing import Annotated, Any

import jinja2
from babel import Locale
from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from surplus.api.deps import get_session, get_settings
from surplus.api.ids import ROW_ID_MAX, ROW_ID_MIN
from surplus.auth.clients import audit_refusal
from surplus.auth.principal import AuthError
from surplus.auth.throttle import token_guard
from surplus.dashboard import exports, settlement_source
from surplus.dashboard import session as sessions
from surplus.dashboard.i18n import LANGUAGES, N_, Formatter, Language, translations
from surplus.dashboard.map import base_map
from surplus.dashboard.model import Dashboard, ZoneState
from surplus.dashboard.operator_view import operator_dashboard
from surplus.dashboard.provider import public_dashboard
from surplus.dashboard.security import secured
from surplus.dashboard.zones import CONDITION_LABELS, zone_names
from surplus.settings import Settings

STATIC = "/dashboard-static"
STATIC_FILES = {
    "dashboard.css": "text/css; charset=utf-8",
    "favicon.svg": "image/svg+xml",
    "fonts/NotoNastaliqUrdu-Regular.ttf": "font/ttf",
    "fonts/OFL.txt": "text/plain; charset=utf-8",
}
LOGIN_CSRF_MAX_AGE_S = 3600
log = logging.getLogger(__name__)

router = APIRouter()
api = APIRouter(prefix="/api/v1/public", tags=["public"])

DbSession = Annotated[Session, Depends(get_session)]
AppSettings = Annotated[Settings, Depends(get_settings)]


@cache
def environment(code: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("surplus.dashboard", "templates"),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
    )
    env.install_gettext_translations(translations(code), newstyle=True)  # type: ignore[attr-defined]
    return env


def render(
    request: Request,
    language: Language,
    template: str,
    title: str,
    path: str,
    status: int = 200,
    private: bool = False,
    **context: Any,
) -> HTMLResponse:
    gettext = translations(language.code).gettext
    html = (
        environment(language.code)
        .get_template(template)
        .render(
            lang=language,
            languages=list(LANGUAGES.values()),
            autonyms={code: Locale.parse(code).display_name for code in LANGUAGES},
            fmt=Formatter(language),
            static=STATIC,
            path=path,
            title=gettext(title),
            condition_label={key: gettext(label) for key, label in CONDITION_LABELS.items()},
            **context,
        )
    )
    return secured(HTMLResponse(html, status_code=status), private=private)  # type: ignore[return-value]


def now() -> datetime:
    return datetime.now(UTC)


# -- the public page -------------------------------------------------------------------------


class MapZone:
    """A zone placed on the map, its circle's area proportional to the MW allocated."""

    def __init__(self, state: ZoneState, x: float, y: float, largest_mw: float) -> None:
        self.state, self.x, self.y = state, x, y
        self.r = round(4 + 20 * math.sqrt(state.allocated_mw / largest_mw), 1)


def _map_zones(dashboard: Dashboard) -> list[MapZone]:
    geography = base_map()
    largest = max([z.allocated_mw for z in dashboard.zones] + [1.0])
    placed = []
    for zone in dashboard.zones:
        if zone.latitude_deg is None or zone.longitude_deg is None:
            continue
        x, y = geography.point(zone.latitude_deg, zone.longitude_deg)
        placed.append(MapZone(zone, x, y, largest))
    return placed


def _public(request: Request, language: Language, db: Session) -> HTMLResponse:
    dashboard = public_dashboard(db, now())
    return render(
        request,
        language,
        "index.html",
        N_("The programme today"),
        "/",
        d=dashboard,
        map=base_map(),
        zones_on_map=_map_zones(dashboard),
    )


@router.get("/", include_in_schema=False)
def public_en(request: Request, db: DbSession) -> HTMLResponse:
    return _public(request, LANGUAGES["en"], db)


@router.get("/ur/", include_in_schema=False)
def public_ur(request: Request, db: DbSession) -> HTMLResponse:
    return _public(request, LANGUAGES["ur"], db)


@router.get("/ur", include_in_schema=False)
def ur_slash() -> Response:
    return secured(RedirectResponse("/ur/", status_code=308))


@api.get("/dashboard", response_model=Dashboard)
def public_json(db: DbSession) -> Response:
    """The public dashboard's figures (aggregates only), exactly as the pages show them."""
    body = public_dashboard(db, now()).model_dump_json()
    return secured(Response(body, media_type="application/json"))


@router.get("/open-data/{table}.{fmt}", include_in_schema=False)
def open_data(table: str, fmt: str, db: DbSession) -> Response:
    if table not in exports.TABLES or fmt not in exports.FORMATS:
        raise HTTPException(404, f"no open-data table {table}.{fmt}")
    body = exports.export(public_dashboard(db, now()), table, fmt)
    response = Response(body, media_type=exports.FORMATS[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="surplus-{table}.{fmt}"'
    return secured(response)


@router.get("/reports/{name}", include_in_schema=False)
def public_report(name: str, db: DbSession) -> Response:
    """A settled month's public report (PDF or HTML), rendered by settlement from the same
    summary the page shows; any other name is 404."""
    found = settlement_source.public_report(db, name)
    if found is None:
        raise HTTPException(404, f"no public report named {name}")
    media = "application/pdf" if found.format == "pdf" else "text/html; charset=utf-8"
    response = Response(found.content, media_type=media)
    response.headers["Content-Disposition"] = f'attachment; filename="{found.name}"'
    return secured(response)


@router.get(STATIC + "/{path:path}", include_in_schema=False)
def static(path: str) -> Response:
    if path not in STATIC_FILES:
        raise HTTPException(404, f"no dashboard file {path}")
    body = (files("surplus.dashboard") / "static" / path).read_bytes()
    response = Response(body, media_type=STATIC_FILES[path])
    response.headers["Cache-Control"] = "public, max-age=86400"
    return secured(response)


# -- operators --------------------------------------------------------------------------------


def _login_page(
    request: Request, language: Language, settings: Settings, error: str | None, status: int
) -> HTMLResponse:
    token = sessions.new_login_csrf(settings)
    response = render(
        request, language, "login.html", N_("Operator log-in"), "/operator/login",
        status=status, private=True, csrf=token, error=error,
    )  # fmt: skip
    secure = sessions.is_secure(request, settings)
    sessions.set_cookie(response, sessions.LOGIN_CSRF_COOKIE, token, secure, LOGIN_CSRF_MAX_AGE_S)
    return response


def _operator_page(
    request: Request, language: Language, db: Session, settings: Settings
) -> Response:
    current = sessions.current(request, db, settings)
    if current is None:
        return secured(RedirectResponse(f"{language.prefix}/operator/login", status_code=303))
    view = operator_dashboard(db, current.operator_id, now())
    return render(
        request, language, "operator.html", N_("Your sites"), "/operator/",
        private=True, o=view, csrf=current.csrf, zone_names=zone_names(),
    )  # fmt: skip


def _statement_download(
    request: Request, language: Language, db: Session, settings: Settings, row_id: int, fmt: str
) -> Response:
    """One of the logged-in operator's statements as JSON or PDF. Another operator's, or
    one that does not exist, is the same 404: the answer tells nothing about it."""
    current = sessions.current(request, db, settings)
    if current is None:
        login = f"{language.prefix}/operator/login"
        return secured(RedirectResponse(login, status_code=303), private=True)
    statement = (
        settlement_source.operator_statement(db, current.operator_id, row_id)
        if fmt in ("json", "pdf") and ROW_ID_MIN <= row_id <= ROW_ID_MAX
        else None
    )
    if statement is None:
        raise HTTPException(404, f"no statement {row_id}.{fmt} of yours")
    if fmt == "pdf":
        from surplus.settlement.pdf import statement_pdf  # reportlab: only when asked

        response = Response(statement_pdf(statement), media_type="application/pdf")
    else:
        response = Response(statement.model_dump_json(indent=2), media_type="application/json")
    name = f"statement-{statement.month}-v{statement.version}.{fmt}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return secured(response, private=True)


def _log_in(
    request: Request,
    language: Language,
    db: Session,
    settings: Settings,
    client_id: str,
    client_secret: str,
    csrf: str,
) -> Response:
    gettext = translations(language.code).gettext
    if not sessions.login_csrf_ok(request, settings, csrf):
        message = gettext("The form had expired. Please try again.")
        return _login_page(request, language, settings, message, 403)
    address = request.client.host if request.client else "unknown"
    try:
        with token_guard(request.app).attempt(client_id, address) as attempt:
            found, why = sessions.log_in(db, client_id, client_secret)
            if found is not None:
                attempt.succeeded()
    except AuthError as error:
        if error.status == 429:
            log.warning("operator log-in of client %r from %s throttled", client_id, address)
            message = gettext("Too many failed attempts. Please wait a few minutes.")
        else:  # 503: every hashing slot busy
            message = gettext("The service is busy. Please try again in a moment.")
        page = _login_page(request, language, settings, message, error.status)
        page.headers["Retry-After"] = str(error.retry_after_s or 1)
        return page
    if found is None:
        audit_refusal(db, "dashboard.login_refused", client_id, address, why)
        message = gettext(
            "Wrong client id or secret, or the client is not a site controller of one operator."
        )
        return _login_page(request, language, settings, message, 401)
    secure = sessions.is_secure(request, settings)
    response = RedirectResponse(f"{language.prefix}/operator/", status_code=303)
    sessions.set_cookie(
        response,
        sessions.SESSION_COOKIE,
        sessions.encode(found, settings, now()),
        secure,
        settings.token_lifetime_s,
    )
    sessions.clear_cookie(response, sessions.LOGIN_CSRF_COOKIE, secure)
    return secured(response, private=True)


def _log_out(
    request: Request, language: Language, db: Session, settings: Settings, csrf: str
) -> Response:
    current = sessions.current(request, db, settings)
    if current is not None and csrf != current.csrf:
        raise HTTPException(403, "missing or wrong CSRF token")
    response = RedirectResponse(f"{language.prefix}/", status_code=303)
    sessions.clear_cookie(response, sessions.SESSION_COOKIE, sessions.is_secure(request, settings))
    return secured(response, private=True)


def _language_routes(language: Language) -> None:
    prefix = language.prefix

    @router.get(f"{prefix}/operator/", name=f"operator_{language.code}", include_in_schema=False)
    def operator(request: Request, db: DbSession, settings: AppSettings) -> Response:
        return _operator_page(request, language, db, settings)

    @router.get(
        f"{prefix}/operator/statements/{{row_id}}.{{fmt}}",
        name=f"statement_{language.code}",
        include_in_schema=False,
    )
    def statement(
        request: Request, db: DbSession, settings: AppSettings, row_id: int, fmt: str
    ) -> Response:
        return _statement_download(request, language, db, settings, row_id, fmt)

    @router.get(
        f"{prefix}/operator/login", name=f"login_form_{language.code}", include_in_schema=False
    )
    def login_form(request: Request, settings: AppSettings) -> HTMLResponse:
        return _login_page(request, language, settings, None, 200)

    @router.post(f"{prefix}/operator/login", name=f"login_{language.code}", include_in_schema=False)
    def login(
        request: Request,
        db: DbSession,
        settings: AppSettings,
        client_id: Annotated[str, Form(max_length=128)] = "",
        client_secret: Annotated[str, Form(max_length=512)] = "",
        csrf: Annotated[str, Form(max_length=200)] = "",
    ) -> Response:
        return _log_in(request, language, db, settings, client_id, client_secret, csrf)

    @router.post(
        f"{prefix}/operator/logout", name=f"logout_{language.code}", include_in_schema=False
    )
    def logout(
        request: Request,
        db: DbSession,
        settings: AppSettings,
        csrf: Annotated[str, Form(max_length=200)] = "",
    ) -> Response:
        return _log_out(request, language, db, settings, csrf)


for _language in LANGUAGES.values():
    _language_routes(_language)

router.include_router(api)
