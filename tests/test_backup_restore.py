"""Backup and restore round-trip the whole database: nothing is lost, nothing changes."""

import hashlib
import json

import pytest
from django.apps import apps
from django.core.management import call_command

from funding import summary

OUR_APPS = {
    "councils",
    "signin",
    "otp_totp",
    "otp_static",
    "workinggroups",
    "people",
    "funding",
    "strategy",
    "notifications",
    "portal",
    "auth",
    "django_celery_beat",
}

NOT_COMPARED = {
    "auth.Permission",  # rebuilt by migrate, referenced by natural key
    # beat's "schedules changed" mark: a restore must move it, or a running beat keeps the
    # schedules it had before; asserted separately below.
    "django_celery_beat.PeriodicTasks",
    # Added up by the database from the requests, not backed up: compared by its figures.
    "funding.FundingSummary",
}


def summary_figures():
    """The funding summary's figures by key (its row ids are not kept across a restore)."""
    from funding.models import FundingSummary

    rows = FundingSummary.objects.filter(count__gt=0).order_by(
        "councils", "priority_key", "fiscal_year", "status"
    )
    return list(
        rows.values_list(
            "councils", "priority_key", "fiscal_year", "status", "count", "requested", "approved"
        )
    )


def schedules_changed_at():
    from django_celery_beat.models import PeriodicTasks

    return PeriodicTasks.last_change()


def fingerprint():
    """Per model: row count and a hash of every row's values, ordered by primary key."""
    from django.contrib.contenttypes.models import ContentType

    # Content types are made anew by migrate (another id, perhaps); a row points to one by its
    # natural key in the backup, so compare what it points to, not the number.
    kinds = {ct.pk: (ct.app_label, ct.model) for ct in ContentType.objects.all()}
    result = {}
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS or model._meta.label in NOT_COMPARED:
            continue
        to_kind = [
            f.attname
            for f in model._meta.concrete_fields
            if f.is_relation and f.related_model is ContentType
        ]
        rows = list(model.objects.order_by("pk").values())
        for row in rows:
            for name in to_kind:
                row[name] = kinds.get(row[name])
        digest = hashlib.sha256(json.dumps(rows, default=str, sort_keys=True).encode()).hexdigest()
        result[model._meta.label] = (len(rows), digest)
    return result


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("onto", ["freshly migrated database", "--replace over changed data"])
def test_backup_and_restore_round_trip_everything(settings, tmp_path, onto):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "funding").mkdir(parents=True)
    (settings.MEDIA_ROOT / "funding" / "proposal.pdf").write_bytes(b"%PDF-1.7 demo")
    call_command("load_demo", verbosity=0)
    before = fingerprint()
    figures = summary_figures()
    marked_before = schedules_changed_at()
    assert before["workinggroups.Group"][0] >= 9
    backup = tmp_path / "portal.tar.gz"
    call_command("backup_portal", str(backup), verbosity=0)

    (settings.MEDIA_ROOT / "funding" / "proposal.pdf").unlink()
    if onto == "freshly migrated database":
        # flush runs post_migrate, as migrate does: the default schedules exist again.
        call_command("flush", "--no-input", verbosity=0)
        assert fingerprint()["workinggroups.Group"][0] == 0
        call_command("restore_portal", str(backup), verbosity=0)
    else:
        from django_celery_beat.models import PeriodicTask

        from workinggroups.models import Group

        Group.objects.filter(pk=Group.objects.order_by("pk").first().pk).update(slug="changed")
        PeriodicTask.objects.update(enabled=False)
        call_command("restore_portal", str(backup), "--replace", verbosity=0)
    assert fingerprint() == before
    # Counted once, as before the backup, on PostgreSQL (SQLite keeps no summary).
    assert summary_figures() == figures
    assert summary.differences() == []
    assert schedules_changed_at() > marked_before
    assert (settings.MEDIA_ROOT / "funding" / "proposal.pdf").read_bytes() == b"%PDF-1.7 demo"


@pytest.mark.django_db
def test_restore_refuses_to_overwrite_data_without_replace(settings, tmp_path, member):
    from django.core.management import CommandError

    backup = tmp_path / "b.tar.gz"
    call_command("backup_portal", str(backup), verbosity=0)
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore_portal", str(backup), verbosity=0)
