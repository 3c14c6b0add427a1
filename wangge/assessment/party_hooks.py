"""Every member in the API carries ``public_url`` unless their public page is hidden."""

from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import reverse

from wangge.assessment.models import PublicPage, Visibility
from wangge.assessment.public import page_for
from wangge.party.hooks import member_api_field


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
    if visibility == Visibility.HIDDEN or (visibility == Visibility.AUTO and member.is_mobile):
        return None
    if not token:  # no page made yet: made on first use
        token = page_for(member).token
    path = reverse("member_public", args=[token])
    return request.build_absolute_uri(path) if request is not None else path


member_api_field("public_url", annotate=_with_page, value=public_url_of)
