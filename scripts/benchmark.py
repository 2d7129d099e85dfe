"""`make benchmark`: generate data at scale factors 1, 10 and 100 on PostgreSQL, measure every
main page in process (queries, median, p95) and under concurrent load with gunicorn on
loopback, time the reminder sweep, check the targets, and write docs/benchmarks.md.

Usage: .venv/bin/python scripts/benchmark.py [--scales 1 10 100] [--seconds 8]
       .venv/bin/python scripts/benchmark.py --diff-only   (revision diff worst case only)
Needs PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres).
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PY = sys.executable
PORT = 8765

TARGET_MAX_QUERIES = 15
TARGET_DASHBOARD_VS_BARE = 3.0
TARGET_GROWTH = 1.5
TARGET_SWEEP_SECONDS = 10.0


def database_url(name):
    base = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{name}"))


def recreate_database(name):
    import psycopg2

    conn = psycopg2.connect(database_url("postgres"))
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def manage(env, *args, capture=False):
    result = subprocess.run(
        [PY, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        capture_output=capture,
    )
    return result.stdout


def throughput(env, session, paths, seconds):
    from portal.benchmark import load

    cmd = [
        str(Path(PY).parent / "gunicorn"),
        "config.wsgi",
        "--workers",
        "2",
        "--threads",
        "1",
        "--bind",
        f"127.0.0.1:{PORT}",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(cmd, cwd=ROOT, env=env)
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        cookie = f"sessionid={session}"
        return {
            label: load("127.0.0.1", PORT, path, cookie, concurrency=8, seconds=seconds)
            for label, path in paths.items()
        }
    finally:
        server.terminate()
        server.wait(10)


def run_scale(scale, seconds):
    name = f"portal_bench_{scale}"
    recreate_database(name)
    env = {
        **os.environ,
        "DATABASE_URL": database_url(name),
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_ROOT_URLCONF": "config.bench_urls",
        "DJANGO_DEBUG": "false",
        "DJANGO_LOG_LEVEL": "WARNING",
        "AXES_ENABLED": "false",
    }
    env.pop("REDIS_URL", None)
    manage(env, "migrate", "--noinput", "-v0")
    manage({**env, "DJANGO_DEBUG": "true"}, "load_demo")
    started = time.perf_counter()
    manage(env, "generate_data", "--scale", str(scale))
    generated = time.perf_counter() - started
    data = json.loads(manage(env, "benchmark_pages", capture=True))
    data["throughput"] = throughput(env, data.pop("session"), data.pop("throughput_paths"), seconds)
    data["generate_seconds"] = generated
    return data


def check_targets(results):
    low, high = results[min(results)], results[max(results)]
    pages_low = {p["name"]: p for p in low["pages"]}
    pages_high = {p["name"]: p for p in high["pages"]}
    checks = []
    for name, page in pages_high.items():
        if "reference" in name or "not a target" in name:
            continue
        same = pages_low.get(name, {}).get("queries") == page["queries"]
        checks.append(
            (
                f"{name}: queries identical at scales {min(results)} and {max(results)}, "
                f"≤ {TARGET_MAX_QUERIES}",
                same and page["queries"] <= TARGET_MAX_QUERIES,
                f"{pages_low.get(name, {}).get('queries')} → {page['queries']}",
            )
        )
        growth = (
            page["median_ms"] / pages_low[name]["median_ms"] if name in pages_low else float("inf")
        )
        checks.append(
            (f"{name}: median growth ≤ {TARGET_GROWTH}×", growth <= TARGET_GROWTH, f"{growth:.2f}×")
        )
    bare = pages_high.get("bare view (reference)")
    dash = pages_high.get("dashboard")
    if bare and dash:
        ratio = dash["median_ms"] / bare["median_ms"]
        checks.append(
            (
                f"dashboard median ≤ {TARGET_DASHBOARD_VS_BARE}× bare view",
                ratio <= TARGET_DASHBOARD_VS_BARE,
                f"{ratio:.2f}×",
            )
        )
    tp = high["throughput"]
    if "funding list" in tp and "admin changelist (reference)" in tp:
        ours, admin = tp["funding list"]["rps"], tp["admin changelist (reference)"]["rps"]
        checks.append(
            (
                "funding list throughput ≥ admin changelist",
                ours >= admin,
                f"{ours:.0f} vs {admin:.0f} req/s",
            )
        )
    if high.get("sweep"):
        s = high["sweep"]
        checks.append(
            (
                f"reminder sweep < {TARGET_SWEEP_SECONDS:.0f} s",
                s["seconds"] < TARGET_SWEEP_SECONDS,
                f"{s['seconds']:.2f} s, {s['queries']} queries",
            )
        )
    return checks


def ratios(results):
    """The references, as ratios at the largest scale: what each page costs against a bare
    view and against an empty portal page (the layout every page renders)."""
    high = results[max(results)]
    pages = {p["name"]: p for p in high["pages"]}
    bare = pages.get("bare view (reference)")
    layout = pages.get("empty portal page (reference)")
    if not bare:
        return []
    lines = [
        f"## Ratios at scale {max(results)}",
        "",
        "| page | × bare view | × empty portal page |",
        "|---|---|---|",
    ]
    for name, page in pages.items():
        if name == "bare view (reference)":
            continue
        vs_layout = f"{page['median_ms'] / layout['median_ms']:.1f}" if layout else "—"
        lines.append(f"| {name} | {page['median_ms'] / bare['median_ms']:.1f} | {vs_layout} |")
    tp = high["throughput"]
    if "funding list" in tp and tp.get("admin changelist (reference)", {}).get("rps"):
        share = tp["funding list"]["rps"] / tp["admin changelist (reference)"]["rps"]
        lines += ["", f"Funding list throughput: {share:.2f}× the admin changelist's."]
    return [*lines, ""]


def report(results, checks, seconds):
    lines = [
        "# Benchmarks",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} "
        f"({os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}, "
        "PostgreSQL on loopback), with `make benchmark`.",
        "",
        "Server times are in process through the whole middleware stack (Django test client, "
        "30 requests after a warm-up); throughput is gunicorn with 2 workers, 8 keep-alive "
        f"connections for {seconds:.0f} s on loopback.",
        "",
    ]
    for scale, data in sorted(results.items()):
        lines += [
            f"## Scale {scale}",
            "",
            f"Data generated in {data['generate_seconds']:.1f} s.",
            "",
            "| page | status | queries | median ms | p95 ms |",
            "|---|---|---|---|---|",
        ]
        for p in data["pages"]:
            lines.append(
                f"| {p['name']} | {p['status']} | {p['queries']} "
                f"| {p['median_ms']:.1f} | {p['p95_ms']:.1f} |"
            )
        if data["skipped"]:
            lines += ["", f"Not measured (page not built yet): {', '.join(data['skipped'])}."]
        lines += ["", "| under load | req/s | ok | errors |", "|---|---|---|---|"]
        for label, t in data["throughput"].items():
            lines.append(f"| {label} | {t['rps']:.0f} | {t['ok']} | {t['errors']} |")
        if data.get("sweep"):
            lines += [
                "",
                f"Reminder sweep: {data['sweep']['seconds']:.2f} s, "
                f"{data['sweep']['queries']} queries.",
            ]
        lines.append("")
    lines += ratios(results)
    lines += ["## Targets", "", "| target | met | measured |", "|---|---|---|"]
    lines += [f"| {name} | {'yes' if ok else '**no**'} | {value} |" for name, ok, value in checks]
    return "\n".join(lines) + "\n"


TARGET_DIFF_SECONDS = 0.2
# Characters: the largest diffed field (a summary, a mandate: core.limits.TEXT) and the largest
# free text of all (core.limits.LONGEST, meeting minutes), read from the limits themselves.
DIFF_LIMITS = ("TEXT", "LONGEST")


def diff_worst_cases(size):
    """Inputs that make an unbounded word diff quadratic: every token different, tokens
    repeated (the matcher's worst), one line or many, a small edit in the middle."""
    import random

    rng = random.Random(14)  # noqa: S311 (test data, not secrets)
    words = [f"w{rng.randrange(10**6)}" for _ in range(size // 4)]
    text_a = " ".join(words)[:size]
    text_b = " ".join(reversed(words))[:size]
    repeated_a = ("a b " * size)[:size]
    repeated_b = ("b a " * size)[:size]
    lines_a = "\n".join(words)[:size]
    lines_b = "\n".join(w + "x" for w in words)[:size]
    # Paragraphs of ~190 words (just under the word-level budget), every other one rewritten:
    # each changed block is compared word by word at the budget's full cost.
    paragraphs = [" ".join(words[i : i + 190]) for i in range(0, len(words), 190)]
    changed = [p if i % 2 else " ".join(reversed(p.split())) for i, p in enumerate(paragraphs)]
    para_a, para_b = "\n".join(paragraphs)[:size], "\n".join(changed)[:size]
    middle = text_a[: size // 2] + " changed " + text_a[size // 2 + 9 :]
    return {
        "all words differ": (text_a, text_b),
        "repeated tokens": (repeated_a, repeated_b),
        "one word per line, all changed": (lines_a, lines_b),
        "one edit in the middle": (text_a, middle),
        "every other paragraph rewritten": (para_a, para_b),
    }


def measure_diff(*, verbose=True):
    """The worst time of the revision diff over the worst cases, at the limits' sizes."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from core import limits
    from core.textdiff import inline_diff

    worst = 0.0
    for size in (getattr(limits, name) for name in DIFF_LIMITS):
        for label, (old, new) in diff_worst_cases(size).items():
            started = time.perf_counter()
            inline_diff(old, new)
            elapsed = time.perf_counter() - started
            worst = max(worst, elapsed)
            if verbose:
                print(f"{size:>6} chars  {label:<32} {elapsed * 1000:7.1f} ms")
    return worst


def diff_check(worst):
    """The row of the targets table for the diff."""
    return (
        f"revision diff of the largest allowed field < {TARGET_DIFF_SECONDS * 1000:.0f} ms",
        worst < TARGET_DIFF_SECONDS,
        f"{worst * 1000:.1f} ms",
    )


def diff_only():
    worst = measure_diff()
    verdict = "met" if worst < TARGET_DIFF_SECONDS else "MISSED"
    print(f"worst: {worst * 1000:.1f} ms (target < {TARGET_DIFF_SECONDS * 1000:.0f} ms: {verdict})")
    return 0 if worst < TARGET_DIFF_SECONDS else 1


def main():
    if "--diff-only" in sys.argv:
        sys.exit(diff_only())
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    args = parser.parse_args()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.local", "DJANGO_DEBUG": "false"}
    manage(env, "collectstatic", "--noinput", "-v0")
    results = {}
    for scale in args.scales:
        print(f"Scale {scale}…", flush=True)
        results[scale] = run_scale(scale, args.seconds)
    checks = check_targets(results)
    checks.append(diff_check(measure_diff(verbose=False)))
    text = report(results, checks, args.seconds)
    Path(args.output).write_text(text)
    print(text)


if __name__ == "__main__":
    main()
