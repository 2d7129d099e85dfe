"""The demo loader wrote its plan's adoption reason as an English sentence; it is now the key
core.written renders in the reader's language."""

from django.db import migrations

SENTENCES = {"Adopted by the joint councils.": "strategy.adopted_by_councils"}


def to_keys(apps, schema_editor):
    PlanStatusChange = apps.get_model("strategy", "PlanStatusChange")
    for sentence, key in SENTENCES.items():
        PlanStatusChange.objects.filter(reason_key="", reason=sentence).update(
            reason_key=key, reason="", reason_lang=""
        )


def to_sentences(apps, schema_editor):
    PlanStatusChange = apps.get_model("strategy", "PlanStatusChange")
    for sentence, key in SENTENCES.items():
        PlanStatusChange.objects.filter(reason_key=key, reason="").update(
            reason_key="", reason=sentence
        )


class Migration(migrations.Migration):
    dependencies = [("strategy", "0002_written_language")]

    operations = [migrations.RunPython(to_keys, to_sentences)]
