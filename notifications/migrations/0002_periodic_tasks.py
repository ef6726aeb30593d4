from django.db import migrations


def create_schedule(apps, schema_editor):
    from notifications.schedule import periodic_tasks_ensure

    periodic_tasks_ensure(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, migrations.RunPython.noop)]
