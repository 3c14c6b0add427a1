"""The JSON API at /api/v1/: bearer tokens for clients, the session for pages.

Every route reads through the scope funnel; errors are JSON ``{"code": ..., "message": ...}``.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi import get_schema
from ninja.openapi.schema import OpenAPISchema
from ninja.security import HttpBearer, SessionAuth

from wangge.accounts.tokens import TokenError, token_check
from wangge.accounts.twofactor import needs_two_factor
from wangge.core.errors import ConflictError, DomainError


class TokenAuthError(AuthenticationError):
    def __init__(self, message: str, code: str = "unauthorized"):
        super().__init__(401, message)
        self.message = message
        self.code = code


class VerifiedSession(SessionAuth):
    """The page session, once any second login step the user's roles demand is done."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None and needs_two_factor(user) and not user.is_verified():
            return None
        return user


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        try:
            checked = token_check(token)
        except TokenError as exc:
            raise TokenAuthError(str(exc), exc.code) from exc
        request.user = checked.user
        request.api_token = checked
        return checked.user


class WanggeAPI(NinjaAPI):
    """The API, with its OpenAPI document built once per process (about 240 ms a build): the
    routes are fixed when the module is imported. Callers share the document: copy before
    changing it."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict | None = None
    ) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        cache = self.__dict__.setdefault("_openapi_documents", {})
        if path_prefix not in cache:
            cache[path_prefix] = get_schema(api=self, path_prefix=path_prefix)
        return cache[path_prefix]


api = WanggeAPI(
    title="wangge API",
    version="1",
    description="Grid service platform. Every list is scoped to the caller's areas.",
    urls_namespace="api",
    auth=[BearerToken(), VerifiedSession()],
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _error(request, status: int, code: str, message: str, **extra):
    return api.create_response(request, {"code": code, "message": message, **extra}, status=status)


@api.exception_handler(TokenAuthError)
def _token_error(request, exc):
    return _error(request, 401, exc.code, exc.message)


@api.exception_handler(AuthenticationError)
def _auth_error(request, exc):
    return _error(request, 401, "unauthorized", _("Log in or send a bearer token."))


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return _error(request, 403, "forbidden", str(exc) or _("You may not change this."))


@api.exception_handler(ConflictError)
def _conflict(request, exc):
    return _error(request, 409, "conflict", exc.message)


@api.exception_handler(DomainError)
def _domain(request, exc):
    return _error(request, 400, exc.code, exc.message)


@api.exception_handler(DjangoValidationError)
def _invalid(request, exc):
    fields = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
    message = "; ".join(f"{k}: {' '.join(v)}" if k else " ".join(v) for k, v in fields.items())
    return _error(request, 422, "invalid", message, fields=fields)


@api.exception_handler(NinjaValidationError)
def _schema_invalid(request, exc):
    details = [
        {"loc": [str(p) for p in e.get("loc", [])], "msg": str(e.get("msg", ""))}
        for e in exc.errors
    ]
    message = "; ".join(f"{'.'.join(d['loc'])}: {d['msg']}" for d in details)
    return _error(request, 422, "invalid", message, errors=details)


@api.exception_handler(OverflowError)
def _too_large(request, exc):
    # A number beyond any database integer (e.g. /members/99999999999999999999) names nothing.
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(HttpError)
def _http_error(request, exc):
    return _error(request, exc.status_code, "error", str(exc))


def _register() -> None:
    from wangge.accounts.api import router as auth_router
    from wangge.accounts.regions_api import router as regions_router
    from wangge.appeals.api import router as appeals_router
    from wangge.appeals.metrics_api import router as appeals_metrics_router
    from wangge.assessment.api_scores import (
        admonishments_router,
        duties_router,
        scores_router,
        service_list_router,
    )
    from wangge.assistance.api import router as assistance_router
    from wangge.campaigns.api import router as campaigns_router
    from wangge.campaigns.duty_api import accountability_router, duty_router, pledges_router
    from wangge.campaigns.epidemic_api import epidemic_router
    from wangge.campaigns.turnout_api import router as turnouts_router
    from wangge.flags.api import router as flags_router
    from wangge.grids.api import router as grids_router
    from wangge.grids.persons_api import router as persons_router
    from wangge.households.api import router as households_router
    from wangge.notices.api import feedback_router, notices_router
    from wangge.pairing.api import router as pairing_router
    from wangge.party.api import members_router, organisations_router
    from wangge.reports.api import router as reports_router
    from wangge.visits.api import router as visits_router

    api.add_router("/auth", auth_router)
    api.add_router("/regions", regions_router)
    api.add_router("/organisations", organisations_router)
    api.add_router("/members", members_router)
    api.add_router("/households", households_router)
    api.add_router("/grids", grids_router)
    api.add_router("/persons", persons_router)
    api.add_router("/flags", flags_router)
    api.add_router("/assistance", assistance_router)
    api.add_router("/pairings", pairing_router)
    api.add_router("/visits", visits_router)
    api.add_router("/campaigns", campaigns_router)
    api.add_router("/campaigns", duty_router)
    api.add_router("/campaigns", turnouts_router)
    api.add_router("/campaigns", epidemic_router)
    api.add_router("/pledges", pledges_router)
    api.add_router("/accountability", accountability_router)
    api.add_router("/requests", appeals_router)
    api.add_router("/requests-metrics", appeals_metrics_router)
    api.add_router("/notices", notices_router)
    api.add_router("/feedback", feedback_router)
    api.add_router("/reports", reports_router)
    from wangge.assessment.api_stars import star_ratings_router

    api.add_router("/star-ratings", star_ratings_router)
    api.add_router("/scores", scores_router)
    api.add_router("/admonishments", admonishments_router)
    api.add_router("/duties", duties_router)
    api.add_router("/members", service_list_router)
    from wangge.grids.roster_api import router as grid_roster_router

    api.add_router("/grids", grid_roster_router)
    from wangge.grids.councils_api import router as councils_router

    api.add_router("/councils", councils_router)
    from wangge.campaigns.environment_api import router as inspections_router

    api.add_router("/inspections", inspections_router)
    from wangge.campaigns.drive_api import consultations_router, drives_router

    api.add_router("/drives", drives_router)
    api.add_router("/campaigns", consultations_router)


_register()
