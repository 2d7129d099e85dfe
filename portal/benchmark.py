"""Measurements behind `make benchmark`: per page, the SQL query count and the median, spread
and 95th-percentile server time over interleaved rounds (in process, through the whole
middleware stack); and requests per second under concurrent load against a real gunicorn on
loopback."""

import http.client
import statistics
import sys
import threading
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

from django.db import connection, reset_queries
from django.template import base as template_base
from django.test import Client
from django.test.utils import CaptureQueriesContext


def measure_round(client: Client, url: str, repeat: int) -> dict:
    """One round of one page: a warm-up request (templates, caches, connection), the query
    count of a second, then `repeat` timed requests. Every status that is not 200 is
    returned: a benchmark that times error pages measures nothing."""
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    queries = len(ctx.captured_queries)  # read now: reset_queries() below empties the log
    bad = [] if response.status_code == 200 else [response.status_code]
    timings = []
    for _ in range(repeat):
        reset_queries()
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            bad.append(response.status_code)
    return {"queries": queries, "timings": timings, "bad_statuses": bad}


# Where a query comes from: the innermost frame of the portal's own code (not Django, not a
# library, not this module) that led to it.
PROJECT = str(Path(__file__).resolve().parent.parent)
NOT_OURS = (str(Path(__file__).resolve()), "site-packages", "/management/commands/")


# Libraries whose views read the data themselves: a query they run is theirs, not that of
# the portal middleware the request passed through.
LIBRARY_VIEWS = {
    "rest_framework": "rest_framework (the API's views and serialisers)",
    "contrib/admin": "django.contrib.admin",
}


def _caller() -> str:
    frame, library = sys._getframe(2), None
    while frame is not None:
        name = frame.f_code.co_filename
        if name.startswith(PROJECT) and not any(part in name for part in NOT_OURS):
            module = frame.f_globals.get("__name__", "?")
            if library and module.endswith(".middleware"):
                return library
            return f"{module}.{frame.f_code.co_qualname}"
        for package, label in LIBRARY_VIEWS.items():
            if library is None and f"/{package}/" in name:
                library = label
        frame = frame.f_back
    return "Django (sessions, authentication)"


class _Profile:
    """What one request spent: SQL (by the portal function that ran each query), template
    rendering (its own SQL taken out) and the rest (views, middleware, Python)."""

    def __init__(self):
        self.sql = defaultdict(float)  # caller -> ms
        self.queries = defaultdict(int)
        self.render_ms = 0.0
        self.sql_in_render_ms = 0.0
        self._depth = 0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            label = _caller()
            self.sql[label] += elapsed
            self.queries[label] += 1
            if self._depth:
                self.sql_in_render_ms += elapsed

    @contextmanager
    def rendering(self):
        original = template_base.Template.render
        profile = self

        def render(template, context):
            profile._depth += 1
            started = time.perf_counter()
            try:
                return original(template, context)
            finally:
                profile._depth -= 1
                if not profile._depth:
                    profile.render_ms += (time.perf_counter() - started) * 1000

        template_base.Template.render = render
        try:
            yield
        finally:
            template_base.Template.render = original


def profile_page(client: Client, url: str, repeat: int = 7, top: int = 4) -> dict:
    """Where a page's time goes, the median over `repeat` requests (after a warm-up): total,
    SQL, template rendering without its SQL, and the rest; and the `top` portal functions by
    SQL time, with their queries. Timing each query and each render adds a little to every
    figure: read them as shares of the profiled total, beside the plain median."""
    client.get(url)
    runs = []
    for _ in range(repeat):
        profile = _Profile()
        with profile.rendering(), connection.execute_wrapper(profile):
            started = time.perf_counter()
            client.get(url)
            total = (time.perf_counter() - started) * 1000
        runs.append((total, profile))
    runs.sort(key=lambda run: run[0])
    total, median = runs[len(runs) // 2]
    sql = sum(median.sql.values())
    render = median.render_ms - median.sql_in_render_ms
    callers = sorted(median.sql.items(), key=lambda item: -item[1])[:top]
    return {
        "total_ms": total,
        "sql_ms": sql,
        "queries": sum(median.queries.values()),
        "render_ms": render,
        "other_ms": max(0.0, total - sql - render),
        "sql_by_caller": [
            {"caller": caller, "ms": ms, "queries": median.queries[caller]}
            for caller, ms in callers
        ],
    }


def summarise(rounds: list[list[float]]) -> dict:
    """The median of the rounds' medians, their spread (slowest round's median less the
    fastest's, as a share of the median), and the 95th percentile of every request."""
    medians = [statistics.median(r) for r in rounds]
    every = sorted(t for r in rounds for t in r)
    median = statistics.median(medians)
    return {
        "median_ms": median,
        "round_medians_ms": medians,
        "spread": (max(medians) - min(medians)) / median if median else 0.0,
        "p95_ms": every[min(len(every) - 1, round(0.95 * len(every)) - 1)],
    }


def load(
    host: str, port: int, path: str, cookie: str, *, concurrency=8, seconds=8.0, max_requests=20000
) -> dict:
    """Requests per second, and the 95th percentile of their latency, from `concurrency`
    keep-alive connections for at most `seconds` or `max_requests` requests, to loopback
    only."""
    assert host in {"127.0.0.1", "localhost", "::1"}, "load tests target this machine only"
    deadline = time.monotonic() + seconds
    counts, errors, lock = [0], [0], threading.Lock()
    latencies: list[float] = []

    def worker():
        conn = http.client.HTTPConnection(host, port, timeout=30)
        while time.monotonic() < deadline:
            with lock:
                if counts[0] + errors[0] >= max_requests:
                    break
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Cookie": cookie, "Host": host})
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=30)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if ok:
                    counts[0] += 1
                    latencies.append(elapsed)
                else:
                    errors[0] += 1
        conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    p95 = latencies[min(len(latencies) - 1, round(0.95 * len(latencies)) - 1)] if latencies else 0
    return {
        "rps": counts[0] / elapsed,
        "p95_ms": p95,
        "ok": counts[0],
        "errors": errors[0],
        "seconds": elapsed,
    }


class SerializingBackend:
    """The benchmark's mail server: each message is turned into the bytes an SMTP backend
    would send (headers, MIME parts, encodings) and dropped, so sending costs what it costs
    a worker, without a mail server and without keeping tens of thousands of messages."""

    sent = 0

    def __init__(self, fail_silently=False, **kwargs):
        self.fail_silently = fail_silently

    def open(self):
        return False

    def close(self):
        pass

    def send_messages(self, messages):
        for message in messages:
            message.message().as_bytes(linesep="\r\n")
        SerializingBackend.sent += len(messages)
        return len(messages)
