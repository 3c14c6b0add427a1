from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog, set_language

from wangge.accounts.urls import audit_urlpatterns
from wangge.api import api
from wangge.assessment.views_public import member_public
from wangge.core import health, notify_views, reveal_views
from wangge.core.views import favicon

urlpatterns = [
    path("", include("wangge.dashboard.urls")),
    path("accounts/", include("wangge.accounts.urls")),
    path("members/", include("wangge.party.urls")),
    path("households/", include("wangge.households.urls")),
    path("grids/", include("wangge.grids.urls")),
    path("audit/", include(audit_urlpatterns)),
    path("imports/", include("wangge.imports.urls")),
    path("flags/", include("wangge.flags.urls")),
    path("assistance/", include("wangge.assistance.urls")),
    path("pairing/", include("wangge.pairing.urls")),
    path("visits/", include("wangge.visits.urls")),
    path("campaigns/", include("wangge.campaigns.urls")),
    path("requests/metrics/", include("wangge.appeals.metrics_urls")),
    path("requests/", include("wangge.appeals.urls")),
    path("reveal-purposes/", reveal_views.purpose_index, name="reveal_purposes"),
    path(
        "reveal-purposes/<int:pk>/active/",
        reveal_views.purpose_active,
        name="reveal_purpose_active",
    ),
    path("notices/", include("wangge.notices.urls")),
    path("assessment/", include("wangge.assessment.urls")),
    path("reports/", include("wangge.reports.urls")),
    path("inbox/", notify_views.inbox, name="inbox"),
    path("inbox/read/", notify_views.inbox_mark_read, name="inbox_read"),
    path("api/v1/", api.urls),
    path("healthz", health.healthz, name="healthz"),
    # The language switch and the scripts' catalogue serve the login page and the residents'
    # public pages too, before anyone has signed in.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path(
        "jsi18n/",
        login_not_required(JavaScriptCatalog.as_view()),
        name="javascript-catalog",
    ),
    path("backoffice/", admin.site.urls),
    # Browsers ask for /favicon.ico whatever the page says: answer with the site's icon.
    path("favicon.ico", favicon),
]
# The member's public page (三亮), reached without a login from the QR door plate.
urlpatterns += [
    path("m/<str:token>/", login_not_required(member_public), name="member_public"),
]
handler403 = "wangge.core.views.forbidden"
handler404 = "wangge.core.views.not_found"
handler500 = "wangge.core.views.server_error"
