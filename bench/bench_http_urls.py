"""The product's URLs plus the bench baseline: bare views that insert or select one row.

Only ``bench/bench_http_settings.py`` points at this module; the product never serves it.
"""

import random

from django.contrib.auth.decorators import login_not_required
from django.db import connection, transaction
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from wangge.urls import urlpatterns as product_urlpatterns

BARE_ROWS = 1000


@csrf_exempt
@login_not_required
def bare_insert(request):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_bare (payload, created_at) VALUES (%s, %s)",
            [request.POST.get("text", "")[:200], timezone.now()],
        )
    return HttpResponse("ok")


@login_not_required
def bare_select(request):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, payload, created_at FROM bench_bare WHERE id = %s",
            [random.randint(1, BARE_ROWS)],
        )
        row = cursor.fetchone()
    return HttpResponse(str(row))


urlpatterns = [
    path("bench/bare-insert/", bare_insert),
    path("bench/bare-select/", bare_select),
    *product_urlpatterns,
]
