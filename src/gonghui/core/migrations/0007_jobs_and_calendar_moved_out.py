from django.db import migrations


class Migration(migrations.Migration):
    """Jobs and the working-day calendar are apps of their own now (their 0001 migrations
    take the tables over); core forgets the models and touches no table."""

    dependencies = [
        ("core", "0006_audit_download"),
        ("jobs", "0001_initial"),
        ("calendar", "0001_initial"),
        ("members", "0007_import_job_in_jobs"),
        ("unions", "0005_import_job_in_jobs"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="CalendarDay"),
                migrations.DeleteModel(name="CalendarYear"),
                migrations.DeleteModel(name="Job"),
            ],
        ),
    ]
