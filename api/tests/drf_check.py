"""Endpoints that write their rows out directly (issue 17) compared with DRF's own
ModelSerializer: the same fields, in the same order, with the same values."""

import json

from django.urls import reverse
from rest_framework import serializers as drf
from rest_framework.utils.encoders import JSONEncoder


def as_drf_gives(serializer, instance):
    """`instance` as DRF's ModelSerializer walks it field by field, written out and read back
    as the API's JSON."""
    row = drf.ModelSerializer.to_representation(serializer, instance)
    return json.loads(json.dumps(row, cls=JSONEncoder))


def assert_rows_as_drf_gives(client, rows, expected, *, key, detail):
    """Each listed row is `expected[row[key]]`, field for field and in order, and its own
    page (the `detail` route) gives it the same."""
    for row in rows:
        assert list(row.items()) == list(expected[row[key]].items())
        one = client.get(reverse(detail, args=[row[key]])).json()
        assert list(one.items()) == list(row.items())
