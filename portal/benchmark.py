"""Measurements behind `manage.py benchmark`: per page, the SQL query count and the median and
95th-percentile server time (in process, through the whole middleware stack); and requests per
second under concurrent load against a real gunicorn on loopback."""

import http.client
import statistics
import threading
import time
from dataclasses import dataclass

from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext


@dataclass
class PageResult:
    name: str
    url: str
    status: int
    queries: int
    median_ms: float
    p95_ms: float


def measure_page(client: Client, name: str, url: str, repeat: int = 30) -> PageResult:
    response = client.get(url)  # warm-up: templates, caches, connection
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    queries = len(ctx.captured_queries)  # read now: reset_queries() below empties the log
    timings = []
    for _ in range(repeat):
        reset_queries()
        start = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * len(timings)) - 1)]
    return PageResult(name, url, response.status_code, queries, statistics.median(timings), p95)


def load(
    host: str, port: int, path: str, cookie: str, *, concurrency=8, seconds=8.0, max_requests=20000
) -> dict:
    """Requests per second from `concurrency` keep-alive connections for at most `seconds` or
    `max_requests` requests, to loopback only."""
    assert host in {"127.0.0.1", "localhost", "::1"}, "load tests target this machine only"
    deadline = time.monotonic() + seconds
    counts, errors, lock = [0], [0], threading.Lock()

    def worker():
        conn = http.client.HTTPConnection(host, port, timeout=30)
        while time.monotonic() < deadline:
            with lock:
                if counts[0] + errors[0] >= max_requests:
                    break
            try:
                conn.request("GET", path, headers={"Cookie": cookie, "Host": host})
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=30)
            with lock:
                if ok:
                    counts[0] += 1
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
    return {"rps": counts[0] / elapsed, "ok": counts[0], "errors": errors[0], "seconds": elapsed}
