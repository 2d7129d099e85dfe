"""Fixtures shared by the working-group tests."""

from notifications.tests.helpers import eager_celery  # noqa: F401 - shared fixture
