"""``Request`` becomes ``Appeal`` and its timeline ``RequestEvent`` becomes ``AppealEvent`` (with
its foreign key ``appeal``), so that ``request`` means the HTTP request in code. The rows stay;
index and constraint names stay as they were."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("appeals", "0001_requests_and_timeline")]

    operations = [
        migrations.RenameModel(old_name="Request", new_name="Appeal"),
        migrations.RenameModel(old_name="RequestEvent", new_name="AppealEvent"),
        # The index names the renamed column: drop it around the rename and make it again.
        migrations.RemoveIndex(model_name="appealevent", name="requestevent_request_at_idx"),
        migrations.RenameField(model_name="appealevent", old_name="request", new_name="appeal"),
        migrations.AddIndex(
            model_name="appealevent",
            index=models.Index(fields=["appeal", "at"], name="requestevent_request_at_idx"),
        ),
    ]
