import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """The job model moved from core to jobs; the columns stay as they are."""

    dependencies = [
        ("members", "0006_join_applications_without_one_pending_per_person"),
        ("jobs", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="person",
                    name="import_job",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="jobs.job",
                        verbose_name="imported by",
                    ),
                ),
                migrations.AlterField(
                    model_name="membership",
                    name="import_job",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="jobs.job",
                        verbose_name="imported by",
                    ),
                ),
                migrations.AlterField(
                    model_name="reveal",
                    name="job",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="jobs.job",
                        verbose_name="export",
                    ),
                ),
            ],
        ),
    ]
