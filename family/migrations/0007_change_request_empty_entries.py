"""Change requests stored an empty list entry (Civilité, Situation familiale…) as "None";
they now store "" like every other empty value."""

from django.db import migrations

LIST_FIELDS = {"civility", "marital_status", "socio_professional", "school_level"}


def empty_entries(apps, schema_editor):
    ChangeRequest = apps.get_model("family", "ChangeRequest")
    for change_request in ChangeRequest.objects.iterator():
        changed = False
        for name, change in change_request.changes.items():
            if name not in LIST_FIELDS:
                continue
            for side in ("old", "new"):
                if change.get(side) == "None":
                    change[side] = ""
                    changed = True
        if changed:
            change_request.save(update_fields=["changes"])


class Migration(migrations.Migration):
    dependencies = [("family", "0006_family_anonymise_permission")]

    operations = [migrations.RunPython(empty_entries, migrations.RunPython.noop)]
