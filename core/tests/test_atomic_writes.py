"""core.middleware.AtomicWritesMiddleware on its own: which requests run in a transaction, and
what rolls back (the portal-wide sweep is tests/test_nothing_half_saved.py)."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.http import HttpResponse
from django.template import engines
from django.template.response import TemplateResponse
from django.test import RequestFactory

from core.middleware import AtomicWritesMiddleware

pytestmark = pytest.mark.django_db


def _run(method, view):
    middleware = AtomicWritesMiddleware(lambda request: HttpResponse())
    request = getattr(RequestFactory(), method)("/")
    return middleware.process_view(request, view, (), {})


def _depth():
    return len(connection.savepoint_ids)  # one more inside each nested atomic block


def test_reads_run_outside_and_writes_inside_a_transaction():
    outside = _depth()
    seen = {}

    def view(request):
        seen[request.method] = _depth()
        return HttpResponse()

    for method in ("get", "head", "options"):
        assert _run(method, view) is None  # the handler calls the view as usual
    for method in ("post", "put", "patch", "delete"):
        assert _run(method, view).status_code == 200
        assert seen[method.upper()] == outside + 1


def _make_user_then(response_or_error):
    def view(request):
        get_user_model().objects.create(username="written")
        if isinstance(response_or_error, Exception):
            raise response_or_error
        return response_or_error

    return view


def test_an_exception_after_a_write_rolls_it_back():
    with pytest.raises(RuntimeError):
        _run("post", _make_user_then(RuntimeError("after the write")))
    assert not get_user_model().objects.filter(username="written").exists()


def test_a_5xx_answered_without_raising_rolls_back_and_a_4xx_does_not():
    assert _run("post", _make_user_then(HttpResponse(status=503))).status_code == 503
    assert not get_user_model().objects.filter(username="written").exists()
    assert _run("post", _make_user_then(HttpResponse(status=409))).status_code == 409
    assert get_user_model().objects.filter(username="written").exists()


def test_a_template_that_fails_to_render_rolls_back():
    template = engines["django"].from_string("{% url 'no-such-page' %}")
    with pytest.raises(Exception, match="no-such-page"):
        _run("post", _make_user_then(TemplateResponse(RequestFactory().get("/"), template)))
    assert not get_user_model().objects.filter(username="written").exists()


def test_a_view_may_opt_out():
    view = transaction.non_atomic_requests(_make_user_then(HttpResponse()))
    assert _run("post", view) is None  # left to the handler, outside any request transaction
