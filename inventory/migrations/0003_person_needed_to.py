"""How a function needs a person: existing needs keep their meaning (to operate); new
ones default to "to recover"."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("inventory", "0002_people_and_suppliers")]

    operations = [
        migrations.AddField(
            model_name="persondependency",
            name="needed_to",
            field=models.CharField(
                choices=[
                    ("operate", "To operate (their absence stops the function)"),
                    ("recover", "To recover (their absence delays recovery)"),
                ],
                default="operate",
                max_length=10,
            ),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="persondependency",
            name="needed_to",
            field=models.CharField(
                choices=[
                    ("operate", "To operate (their absence stops the function)"),
                    ("recover", "To recover (their absence delays recovery)"),
                ],
                default="recover",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="historicalpersondependency",
            name="needed_to",
            field=models.CharField(
                choices=[
                    ("operate", "To operate (their absence stops the function)"),
                    ("recover", "To recover (their absence delays recovery)"),
                ],
                default="operate",
                max_length=10,
            ),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="historicalpersondependency",
            name="needed_to",
            field=models.CharField(
                choices=[
                    ("operate", "To operate (their absence stops the function)"),
                    ("recover", "To recover (their absence delays recovery)"),
                ],
                default="recover",
                max_length=10,
            ),
        ),
    ]
