"""Measurements behind `make benchmark`: per page, the SQL query count and the median, spread
and 95th-percentile server time over interleaved rounds (in process, through the whole
middleware stack); and requests per second under concurrent load against a real gunicorn on
loopback."""

import http.client
import statistics
import threading
import time

from django.db import connection, reset_queries
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
