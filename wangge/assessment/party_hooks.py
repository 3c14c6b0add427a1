"""Every member in the API carries ``public_url`` unless their public page is hidden, and
every new member gets a public page as they are created (never on a read)."""

from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import reverse

from wangge.assessment.models import PublicPage, Visibility
from wangge.assessment.public import pages_create
from wangge.party.hooks import member_api_field, on_members_created


def _with_page(queryset: QuerySet) -> QuerySet:
    pages = PublicPage.objects.filter(member=OuterRef("pk"))
    return queryset.annotate(
        public_page_token=Subquery(pages.values("token")[:1]),
        public_page_visibility=Subquery(pages.values("visibility")[:1]),
    )


def public_url_of(member, request) -> str | None:
    if not hasattr(member, "public_page_visibility"):
        member = _with_page(type(member).objects.filter(pk=member.pk)).get()
    visibility = member.public_page_visibility or Visibility.AUTO
    token = member.public_page_token
    if not token:  # written around the services: no page, no URL (a GET writes nothing)
        return None
    if visibility == Visibility.HIDDEN or (visibility == Visibility.AUTO and member.is_mobile):
        return None
    path = reverse("member_public", args=[token])
    return request.build_absolute_uri(path) if request is not None else path


member_api_field("public_url", annotate=_with_page, value=public_url_of)
on_members_created("public_page", pages_create)
