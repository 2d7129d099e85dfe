"""`make benchmark`: generate data at scale factors 1 and 100 on PostgreSQL, measure every
main page in process as the personas who read it (queries, median and spread over interleaved
rounds, p95), with the cache on and off, and under concurrent load with gunicorn on loopback;
time the reminder sweep's claiming and the sending of all it claimed (worker CPU time); check
the targets of issue 17; write docs/benchmarks.md. A timed request that does not answer 200
fails the run.

Usage: .venv/bin/python scripts/benchmark.py [--scales 1 100] [--rounds 3] [--repeat 15]
                                             [--seconds 5] [--output docs/benchmarks.md]
       .venv/bin/python scripts/benchmark.py --diff-only   (revision diff worst case only)
Needs PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres); the
databases are BENCH_DATABASE_PREFIX_<scale> (default portal_bench_<scale>), dropped and made
again. With REDIS_URL set, the cache and broker are Redis, as in production.
"""

import argparse
import json
import os
import platform
import statistics
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
PORT = int(os.environ.get("BENCH_PORT", "8765"))  # another run on the machine: another port

# The goals of issue 17 (docs/benchmarks.md).
TARGET_MAX_QUERIES = 15
TARGET_GROWTH = 1.5  # median, smallest scale to largest
TARGET_LAYOUT_VS_BARE = 2.0  # the empty portal page against the bare view
TARGET_VS_LAYOUT = 3.0  # every main page, cache on, against the empty portal page
TARGET_CACHE_OFF_VS_LAYOUT = 5.0  # the same with the cache off
TARGET_VS_ADMIN = 3.0  # list throughput against the admin changelist
TARGET_SWEEP_SECONDS = 30.0  # worker time to claim and send the first sweep
SWEEP_MAX_SCALE = 100
TARGET_WRITES_P95 = 2.0  # a reader's p95 with one write a second, against without
TARGET_RUN_MINUTES = 15.0  # `make benchmark` (scales up to 100) from start to report
RUN_TARGET_MAX_SCALE = 100  # `make benchmark-1000` may take longer (the issue allows it)

# In an existing report file, the line after which the run is written: what comes before it
# (the rounds' history, written by hand) is kept. Without it, the file is the report alone.
RUN_OF_RECORD = "<!-- scripts/benchmark.py writes the run below this line -->"


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


WRITER = ", with a writer"


def throughput(env, sessions, paths, seconds, rounds, writes=()):
    """Requests per second and p95 latency per path, each path loaded once per round, the
    rounds interleaved; each path as its own persona (a session of that person). Each path
    in `writes` is loaded a second time per round while `manage.py bench_writer` changes one
    record a second (a different domain each time): the "under writes" rows."""
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
        runs = {label: [] for label in paths} | {label + WRITER: [] for label in writes}
        for _ in range(rounds):
            for label, (path, who) in paths.items():
                cookie = f"sessionid={sessions[who]}"
                runs[label].append(
                    load("127.0.0.1", PORT, path, cookie, concurrency=8, seconds=seconds)
                )
                if label not in writes:
                    continue
                writer = subprocess.Popen(
                    [PY, "manage.py", "bench_writer", "--seconds", str(seconds + 1)],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.PIPE,
                    text=True,
                )
                writer.stdout.readline()  # "ready": its first change is being made
                runs[label + WRITER].append(
                    load("127.0.0.1", PORT, path, cookie, concurrency=8, seconds=seconds)
                )
                writer.communicate(timeout=60)
                if writer.returncode:
                    raise RuntimeError(f"bench_writer failed ({writer.returncode})")
        results = {}
        for label, loads in runs.items():
            rates = [r["rps"] for r in loads]
            median = statistics.median(rates)
            results[label] = {
                "rps": median,
                "rps_rounds": rates,
                "p95_ms": statistics.median(r["p95_ms"] for r in loads),
                "spread": (max(rates) - min(rates)) / median if median else 0.0,
                "ok": sum(r["ok"] for r in loads),
                "errors": sum(r["errors"] for r in loads),
                "persona": paths[label.removesuffix(WRITER)][1],
            }
        return results
    finally:
        server.terminate()
        server.wait(10)


def run_scale(scale, seconds, rounds, repeat):
    name = f"{os.environ.get('BENCH_DATABASE_PREFIX', 'portal_bench')}_{scale}"
    phase_started = time.perf_counter()
    recreate_database(name)
    env = {
        **os.environ,
        "DATABASE_URL": database_url(name),
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_ROOT_URLCONF": "config.bench_urls",
        "DJANGO_DEBUG": "false",
        "DJANGO_LOG_LEVEL": "WARNING",
        "AXES_ENABLED": "false",
        # The API's throttle would answer 429 to the timed calls (README, "The API").
        "PORTAL_API_RATE_USER": "1000000/minute",
        "PORTAL_API_RATE_ANON": "1000000/minute",
    }
    # REDIS_URL is kept when set: production's cache (and broker), not the file cache. The
    # cache's key prefix is derived from the database name, so scales never share entries.
    manage(env, "migrate", "--noinput", "-v0")
    manage({**env, "DJANGO_DEBUG": "true"}, "load_demo")
    started = time.perf_counter()
    manage(env, "generate_data", "--scale", str(scale))
    generated = time.perf_counter() - started
    phases = {"data": time.perf_counter() - phase_started}
    phase_started = time.perf_counter()
    # The reminder goal is at scale 100: a larger scale's sweep (ten times the reminders)
    # would add minutes and no target.
    sweep = [] if scale <= SWEEP_MAX_SCALE else ["--no-sweep"]
    data = json.loads(
        manage(
            env,
            "benchmark_pages",
            "--rounds",
            str(rounds),
            "--repeat",
            str(repeat),
            *sweep,
            capture=True,
        )
    )
    phases["pages"] = time.perf_counter() - phase_started
    phase_started = time.perf_counter()
    data["throughput"] = throughput(
        env,
        data.pop("sessions"),
        data.pop("throughput_paths"),
        seconds,
        rounds,
        data.pop("write_paths"),
    )
    phases["load"] = time.perf_counter() - phase_started
    data["generate_seconds"] = generated
    data["phase_seconds"] = phases
    return data


def check_targets(results):
    low, high = results[min(results)], results[max(results)]
    pages_low = {p["name"]: p for p in low["pages"]}
    pages_high = {p["name"]: p for p in high["pages"]}
    checks = []
    for name, page in pages_high.items():
        if "reference" in name:
            continue
        same = pages_low.get(name, {}).get("queries") == page["queries"]
        checks.append(
            (
                f"{name} ({page['persona']}): queries identical at scales {min(results)} and "
                f"{max(results)}, ≤ {TARGET_MAX_QUERIES}",
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
    layout = pages_high.get("empty portal page (reference)")
    bare = pages_high.get("bare view (reference)")
    if layout and bare:
        ratio = layout["median_ms"] / bare["median_ms"]
        checks.append(
            (
                f"empty portal page ≤ {TARGET_LAYOUT_VS_BARE}× bare view",
                ratio <= TARGET_LAYOUT_VS_BARE,
                f"{ratio:.2f}×",
            )
        )
    if layout:
        for name, page in pages_high.items():
            if "reference" in name:
                continue
            limit = TARGET_CACHE_OFF_VS_LAYOUT if "cache off" in name else TARGET_VS_LAYOUT
            ratio = page["median_ms"] / layout["median_ms"]
            checks.append(
                (f"{name}: ≤ {limit:.0f}× the empty portal page", ratio <= limit, f"{ratio:.1f}×")
            )
    tp = high["throughput"]
    if "funding list" in tp and "admin changelist (reference)" in tp:
        ours, admin = tp["funding list"]["rps"], tp["admin changelist (reference)"]["rps"]
        checks.append(
            (
                f"funding list throughput ≥ {TARGET_VS_ADMIN:.0f}× the admin changelist "
                "(25 rows each, non-superuser)",
                ours >= TARGET_VS_ADMIN * admin,
                f"{ours:.0f} vs {admin:.0f} req/s",
            )
        )
    for label, t in tp.items():
        if not label.endswith(WRITER):
            continue
        calm = tp[label.removesuffix(WRITER)]["p95_ms"]
        ratio = t["p95_ms"] / calm if calm else float("inf")
        checks.append(
            (
                f"{label.removesuffix(WRITER)}: p95 under one write a second ≤ "
                f"{TARGET_WRITES_P95:.0f}× its p95 without",
                ratio <= TARGET_WRITES_P95,
                f"{t['p95_ms']:.0f} vs {calm:.0f} ms ({ratio:.2f}×)",
            )
        )
    errors = {
        label: t["errors"]
        for data in results.values()
        for label, t in data["throughput"].items()
        if t["errors"]
    }
    checks.append(("every request under load answered 200", not errors, str(errors or "none")))
    swept = [scale for scale in sorted(results) if results[scale].get("sweep")]
    if swept:
        s = results[swept[-1]]["sweep"]
        checks.append(
            (
                f"reminders at scale {swept[-1]} claimed and sent in ≤ "
                f"{TARGET_SWEEP_SECONDS:.0f} s of worker time (CPU)",
                s["worker_seconds"] <= TARGET_SWEEP_SECONDS,
                f"{s['worker_seconds']:.1f} s ({s['seconds']:.1f} s claiming {s['claimed']}, "
                f"{s['send_ms_per_reminder']:.2f} ms a reminder to send; "
                f"{s['worker_wall_seconds']:.1f} s wall)",
            )
        )
    return checks


def ratios(results):
    """Each page against the references at the largest scale: the bare view and the empty
    portal page (the layout every page renders)."""
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


def run_time_check(results, total_seconds):
    """`make benchmark` within TARGET_RUN_MINUTES, from its start to its report (issue 17);
    none for a run past RUN_TARGET_MAX_SCALE, which is `make benchmark-1000`'s own target."""
    if max(results) > RUN_TARGET_MAX_SCALE:
        return []
    minutes = total_seconds / 60
    return [
        (
            f"the run (scales {' and '.join(map(str, sorted(results)))}) took ≤ "
            f"{TARGET_RUN_MINUTES:.0f} minutes",
            minutes <= TARGET_RUN_MINUTES,
            f"{minutes:.1f} min",
        )
    ]


def run_time(results, total_seconds) -> str:
    """Where the run's time went: each scale's data (database, demo, generated data), pages
    in process (with the reminder sweep) and load (gunicorn, with the writer)."""
    parts = []
    for scale, data in sorted(results.items()):
        phases = data["phase_seconds"]  # run_scale's, always all three
        parts.append(
            f"scale {scale}: data {phases['data']:.0f} s, pages and sweep "
            f"{phases['pages']:.0f} s, load {phases['load']:.0f} s"
        )
    minutes, seconds = divmod(round(total_seconds), 60)
    return f"The run took {minutes} min {seconds:02d} s ({'; '.join(parts)})."


def spliced(existing: str | None, report_text: str) -> str:
    """The report as the file to write: after RUN_OF_RECORD when `existing` has that line,
    its headings one level down under "The run of record", the history above kept as it is;
    else the report alone."""
    lines = [] if existing is None else existing.splitlines(keepends=True)
    at = next((i for i, line in enumerate(lines) if line.rstrip("\n") == RUN_OF_RECORD), None)
    if at is None:
        return report_text
    head = "".join(lines[:at])  # the marker's own line, not a mention of it in the history
    body = []
    for line in report_text.splitlines():
        if line.startswith("# "):
            line = "## The run of record"
        elif line.startswith("#"):
            line = "#" + line
        body.append(line)
    return head + RUN_OF_RECORD + "\n\n" + "\n".join(body).strip("\n") + "\n"


def drift(results):
    """The bare view does the same work at every scale (one query by primary key): its change
    between the smallest and the largest scale is the machine's, the yardstick a page's
    growth is read against (a shared machine can slow down between two scales' runs)."""
    low, high = min(results), max(results)
    if low == high:
        return []
    bare = {
        scale: {p["name"]: p for p in results[scale]["pages"]}.get("bare view (reference)")
        for scale in (low, high)
    }
    if not all(bare.values()):
        return []
    a, b = bare[low], bare[high]
    return [
        f"The bare view, the same work at every scale, took {a['median_ms']:.1f} ms at scale "
        f"{low} (spread {a['spread']:.0%}) and {b['median_ms']:.1f} ms at scale {high} (spread "
        f"{b['spread']:.0%}): {b['median_ms'] / a['median_ms']:.2f}×, the machine's own drift "
        "between the two runs, beside which each page's growth is to be read.",
        "",
    ]


def _breakdown(profile) -> str:
    """One page's profile in words: where its time goes."""
    callers = "; ".join(
        f"`{c['caller']}` {c['ms']:.1f} ms in {c['queries']}" for c in profile["sql_by_caller"]
    )
    return (
        f"profiled {profile['total_ms']:.1f} ms: SQL {profile['sql_ms']:.1f} ms in "
        f"{profile['queries']} queries ({callers}), templates {profile['render_ms']:.1f} ms "
        f"(without their SQL), the rest {profile['other_ms']:.1f} ms (views, forms, middleware)"
    )


def explained(results, checks):
    """For every page behind a missed target, where its time goes (`profile_page`): the gap
    explained with a profile, as issue 17 asks, at the largest scale and, for growth, at the
    smallest too. The empty page's own profile comes first, as the yardstick."""
    low, high = min(results), max(results)
    pages = {scale: {p["name"]: p for p in data["pages"]} for scale, data in results.items()}
    missed: dict[str, list[str]] = {}
    for name, ok, value in checks:
        if ok:
            continue
        if name.startswith("empty portal page"):
            for page in ("bare view (reference)", "empty portal page (reference)"):
                missed.setdefault(page, []).append(f"{name} ({value})")
            continue
        page = name.split(": ", 1)[0].split(" (", 1)[0]
        if page in pages[high]:
            missed.setdefault(page, []).append(f"{name.split(': ', 1)[1]} ({value})")
    if not missed:
        return []
    lines = [
        "## Where the time goes in each page that misses a target",
        "",
        f"`portal.benchmark.profile_page` at scale {high} (and {low} where growth is missed): "
        "the median of 7 requests with every query and template render timed, SQL by the "
        "portal function that ran it (the costliest first).",
        "",
    ]
    order = ["empty portal page (reference)", *(p for p in missed if "reference" not in p)]
    for page in order:
        data = pages[high].get(page)
        if not data or not data.get("profile"):
            continue
        line = (
            f"- **{page}** ({data['persona']}), {data['median_ms']:.1f} ms median; "
            f"{_breakdown(data['profile'])}."
        )
        if page in missed:
            line += f" Missed: {'; '.join(missed[page])}."
        if any("growth" in m for m in missed.get(page, [])) and pages[low].get(page, {}).get(
            "profile"
        ):
            line += f" At scale {low}: {_breakdown(pages[low][page]['profile'])}."
        lines.append(line)
    return [*lines, ""]


def machine_speed():
    """CPU seconds of a fixed pure-Python loop (10 million additions), the median of 3: the
    same code runs 2-3x slower on one machine of this kind than on another, so a figure in
    seconds (the reminder sweep's) is read beside it."""
    runs = []
    for _ in range(3):
        started, total = time.process_time(), 0
        for i in range(10_000_000):
            total += i
        runs.append(time.process_time() - started)
    return statistics.median(runs)


def report(results, checks, args, total_seconds):
    cache = "Redis" if os.environ.get("REDIS_URL") else "the file cache (REDIS_URL unset)"
    lines = [
        "# Benchmarks",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} "
        f"({os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}, "
        f"PostgreSQL on loopback, {cache}), with "
        f"`scripts/benchmark.py --scales {' '.join(map(str, args.scales))} "
        f"--rounds {args.rounds} --repeat {args.repeat} --seconds {args.seconds:g}`. "
        f"Machine speed: a loop of 10 million additions took {args.speed:.2f} s of CPU "
        "(`machine_speed()`; the lower, the faster).",
        "",
        f"Server times are in process through the whole middleware stack (Django test client): "
        f"{args.rounds} interleaved rounds of {args.repeat} requests per page after a warm-up; "
        "the median is the median of the rounds' medians, the spread the gap between the "
        "slowest and fastest round as a share of it. Every page is read by the persona named, "
        "none a superuser. Throughput is gunicorn with 2 workers, 8 keep-alive connections "
        f"for {args.seconds:g} s per path per round, on loopback; the median of the rounds.",
        "",
        run_time(results, total_seconds),
        "",
    ]
    for scale, data in sorted(results.items()):
        lines += [
            f"## Scale {scale}",
            "",
            f"Data generated in {data['generate_seconds']:.1f} s.",
            "",
            "| page | persona | queries | median ms | spread | p95 ms |",
            "|---|---|---|---|---|---|",
        ]
        for p in data["pages"]:
            lines.append(
                f"| {p['name']} | {p['persona']} | {p['queries']} "
                f"| {p['median_ms']:.1f} | {p['spread']:.0%} | {p['p95_ms']:.1f} |"
            )
        if data["skipped"]:
            lines += ["", f"Not measured (page not built yet): {', '.join(data['skipped'])}."]
        lines += [
            "",
            "| under load | persona | req/s (median) | rounds | p95 ms | errors |",
            "|---|---|---|---|---|---|",
        ]
        for label, t in data["throughput"].items():
            rounds = ", ".join(f"{r:.0f}" for r in t["rps_rounds"])
            lines.append(
                f"| {label} | {t['persona']} | {t['rps']:.0f} | {rounds} "
                f"| {t.get('p95_ms', 0):.0f} | {t['errors']} |"
            )
        if data.get("sweep"):
            s = data["sweep"]
            lines += [
                "",
                f"Reminder sweep: claiming {s['claimed']} reminders took {s['seconds']:.2f} s "
                f"of CPU ({s['wall_seconds']:.2f} s wall) and {s['queries']} queries; sending "
                f"all of them ({s['sent']} sent, in {s.get('emails', s['sent'])} e-mails) took "
                f"{s['send_ms_per_reminder']:.2f} ms of CPU "
                f"and {s['send_queries_per_reminder']:.2f} queries a reminder, so "
                f"{s['worker_seconds']:.1f} s of worker CPU time in all "
                f"({s['worker_wall_seconds']:.1f} s wall).",
            ]
        lines.append("")
    lines += ratios(results)
    lines += ["## Targets", "", "| target | met | measured |", "|---|---|---|"]
    lines += [f"| {name} | {'yes' if ok else '**no**'} | {value} |" for name, ok, value in checks]
    lines += ["", *drift(results), *explained(results, checks)]
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
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 100])
    parser.add_argument("--seconds", type=float, default=5.0, help="per path per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=15, help="requests per page per round")
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    args = parser.parse_args()
    run_started = time.perf_counter()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.local", "DJANGO_DEBUG": "false"}
    manage(env, "collectstatic", "--noinput", "-v0")
    args.speed = machine_speed()
    results = {}
    for scale in args.scales:
        print(f"Scale {scale}…", flush=True)
        results[scale] = run_scale(scale, args.seconds, args.rounds, args.repeat)
    checks = check_targets(results)
    checks.append(diff_check(measure_diff(verbose=False)))
    total_seconds = time.perf_counter() - run_started
    checks += run_time_check(results, total_seconds)
    text = report(results, checks, args, total_seconds)
    output = Path(args.output)
    output.write_text(spliced(output.read_text() if output.exists() else None, text))
    print(text)
    errors = [name for name, ok, _ in checks if not ok and "answered 200" in name]
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
