"""The service worker that lets the visit pages open without a network (see its own file)."""

from pathlib import Path

from django.http import HttpResponse

_WORKER = Path(__file__).parent / "static" / "visits" / "sw.js"


def service_worker(request):
    """The visit pages' service worker, served from /visits/ so that it may control them
    (to signed-in users only, like every page)."""
    response = HttpResponse(_WORKER.read_bytes(), content_type="text/javascript")
    response["Cache-Control"] = "no-cache"  # a new version is picked up on the next visit
    return response
