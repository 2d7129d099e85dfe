"""The people list is sorted by last name, first name and id (people.selectors.people_queryset)
over every account: with no index that was a sort of every row on each page (issue 17: 36 ms
for the page and its count at 50,000 people). auth_user is Django's table, which no model of
ours declares, so the index is plain SQL, the same on PostgreSQL and SQLite."""

from django.db import migrations

INDEX = "people_user_sort_name_idx"


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_text_limits"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunSQL(
            f'CREATE INDEX IF NOT EXISTS {INDEX} ON auth_user ("last_name", "first_name", "id")',
            reverse_sql=f"DROP INDEX IF EXISTS {INDEX}",
        ),
    ]
