"""conftest.module_db: data built once for a module is there for each of its tests, and what one
test writes is gone before the next (the tests run in this order: pytest keeps a module's
order, and --dist loadfile keeps a module on one worker)."""

import pytest
from django.db import connection

from councils.models import Council

pytestmark = pytest.mark.django_db

WRITTEN = {}


def test_a_test_sees_the_shared_data_and_writes(module_personas):
    assert Council.objects.filter(pk=module_personas["council"].pk).exists()
    assert connection.in_atomic_block
    made = Council.objects.create(code="written-by-a-test", name_en="Written", name_fr="Écrit")
    WRITTEN["pk"] = made.pk
    module_personas["group"].refresh_from_db()


def test_the_next_test_sees_the_shared_data_but_not_what_the_last_one_wrote(module_personas):
    assert WRITTEN, "the first test of the module did not run first"
    assert Council.objects.filter(pk=module_personas["council"].pk).exists()
    assert not Council.objects.filter(pk=WRITTEN["pk"]).exists()
    assert not Council.objects.filter(code="written-by-a-test").exists()


def test_a_write_to_the_shared_data_is_undone_too(module_personas):
    council = module_personas["council"]
    Council.objects.filter(pk=council.pk).update(name_en="Changed by a test")
    WRITTEN["changed"] = council.pk


def test_the_shared_data_is_as_built_again(module_personas):
    assert WRITTEN.get("changed")
    council = Council.objects.get(pk=module_personas["council"].pk)
    assert council.name_en == "Public Sector Service Delivery Council"
