from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("calendar", "0001_initial")]

    operations = [
        migrations.AlterModelTable(name="calendaryear", table=None),
        migrations.AlterModelTable(name="calendarday", table=None),
    ]
