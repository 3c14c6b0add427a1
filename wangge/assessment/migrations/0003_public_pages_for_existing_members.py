"""A public page for every member there is: pages are now made with the member (through the
party services' hook), no longer on the first read of the members API."""

import secrets

from django.db import migrations


def create_pages(apps, schema_editor):
    Member = apps.get_model("party", "Member")
    PublicPage = apps.get_model("assessment", "PublicPage")
    missing = list(Member.objects.filter(public_page__isnull=True).values_list("pk", flat=True))
    PublicPage.objects.bulk_create(
        (PublicPage(member_id=pk, token=secrets.token_urlsafe(16)) for pk in missing),
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0002_star_ratings"),
        ("party", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_pages, migrations.RunPython.noop)]
