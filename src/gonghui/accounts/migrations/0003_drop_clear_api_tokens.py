"""DRF's authtoken kept API tokens in clear text; django-rest-knox keeps only hashes.
The old tokens are dropped with their table: their holders ask for a new one."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_must_change_password")]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", migrations.RunSQL.noop),
    ]
