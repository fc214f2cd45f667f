"""The board list, side by side in one run: the floor, the seed stack and the project's API.

Starts every contender on loopback with the same worker count (gunicorn with the project's
gunicorn.conf.py for the WSGI apps, uvicorn for the seed stack), checks that they all return the
same 100 markets, then runs wrk against them in alternation (A B C D E, A B C D E, …) and reports
the medians of requests/s, p50 and p99 latency, and the ratios against the floor measured in the
same rounds (the median of each round's ratio, so that a noisy neighbour hits both sides).

Contenders
  floor         bare WSGI + psycopg + orjson (bench/floor/app.py), the board query
  floor-cached  the same answered from one Redis GET
  seed          FastAPI + SQLAlchemy 2 async ORM + pydantic on uvicorn (bench/seed_stack/app.py)
  api           GET /api/v1/prop-markets/?league=NFL&week=5&is_active=true&page_size=100 as
                deployed (gunicorn, DEBUG off, Token auth, throttling on), every request missing
                the list cache (CACHE_TTL=0: the first read after a write)
  api-cached    the same with the list cache on (answered from Redis after the first request)

Usage: bench/.venv/bin/python bench/http_bench.py   (bench/http.sh sets everything up)
Environment: BENCH_DATABASE (bb_bench), BENCH_REDIS_URL (redis://127.0.0.1:6379/7),
BENCH_WORKERS (the gunicorn.conf.py default, 2 x cores + 1), BENCH_ROUNDS (7),
BENCH_DURATION (6 s), BENCH_CONNECTIONS (16), BENCH_WARMUP (3 s).
"""

import json
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
TOKENS = BENCH / "data" / "tokens.txt"

DATABASE = os.environ.get("BENCH_DATABASE", "bb_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
WORKERS = int(os.environ.get("BENCH_WORKERS", str((os.cpu_count() or 1) * 2 + 1)))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "7"))
DURATION = int(os.environ.get("BENCH_DURATION", "6"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "3"))
QUERY = "league=NFL&week=5&is_active=true"
PG = f"postgres@127.0.0.1:5432/{DATABASE}"

TARGETS = [
    # (name, contender, reference, metric, comparison, bound)
    ("uncached list req/s >= 0.6 x floor", "api", "floor", "rps", ">=", 0.6),
    ("uncached list req/s >= 1.5 x seed stack", "api", "seed", "rps", ">=", 1.5),
    ("uncached list p99 <= 2 x floor", "api", "floor", "p99_ms", "<=", 2.0),
    ("cached list req/s >= 0.7 x cached floor", "api-cached", "floor-cached", "rps", ">=", 0.7),
]


@dataclass
class Server:
    name: str
    port: int
    command: list
    env: dict = field(default_factory=dict)
    process: subprocess.Popen | None = None


@dataclass
class Contender:
    name: str
    server: str
    path: str


def gunicorn(app, port, pythonpath=None):
    command = [str(ROOT / ".venv/bin/gunicorn"), "-c", str(ROOT / "gunicorn.conf.py")]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS)]
    if pythonpath:
        command += ["--pythonpath", str(pythonpath)]
    return [*command, app]


DJANGO_ENV = {
    "DATABASE_URL": f"postgres://{PG}",
    "REDIS_URL": REDIS_URL,
    "DEBUG": "false",
    # The API only: no collected static files (the app refuses to start without them).
    "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
    "SECRET_KEY": "benchmark-only-secret-key-not-for-production-use-0123456789",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DJANGO_READ_DOT_ENV_FILE": "false",
}
SERVERS = {
    "floor": Server(
        "floor",
        8101,
        gunicorn("app:application", 8101, BENCH / "floor"),
        {"DATABASE_URL": f"postgresql://{PG}", "REDIS_URL": REDIS_URL},
    ),
    "seed": Server(
        "seed",
        8102,
        [
            str(BENCH / ".venv/bin/uvicorn"),
            "--app-dir",
            str(BENCH / "seed_stack"),
            "--host",
            "127.0.0.1",
            "--port",
            "8102",
            "--workers",
            str(WORKERS),
            "app:app",
        ],
        {"DATABASE_URL": f"postgresql+asyncpg://{PG}"},
    ),
    "api": Server("api", 8103, gunicorn("betterbros.wsgi", 8103), {**DJANGO_ENV, "CACHE_TTL": "0"}),
    "api-cached": Server("api-cached", 8104, gunicorn("betterbros.wsgi", 8104), DJANGO_ENV),
}
API_PATH = f"/api/v1/prop-markets/?{QUERY}&page_size=100"
CONTENDERS = [
    Contender("floor", "floor", f"/board?{QUERY}"),
    Contender("seed", "seed", f"/api/v1/prop-markets?{QUERY}"),
    Contender("api", "api", API_PATH),
    Contender("floor-cached", "floor", f"/board-cached?{QUERY}"),
    Contender("api-cached", "api-cached", API_PATH),
]


def url_of(contender):
    return f"http://127.0.0.1:{SERVERS[contender.server].port}{contender.path}"


def get(url, token):
    request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read()


def start(server, logs):
    env = {**os.environ, "PYTHONPATH": str(ROOT), **server.env}
    log = open(logs / f"{server.name}.log", "wb")  # noqa: SIM115 (closed with the process)
    server.process = subprocess.Popen(
        server.command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip


def stop(server):
    if server.process and server.process.poll() is None:
        os.killpg(server.process.pid, signal.SIGTERM)
        try:
            server.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, signal.SIGKILL)


def wait_ready(contender, token, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if SERVERS[contender.server].process.poll() is not None:
            raise SystemExit(f"{contender.server} exited; see bench/results/logs/")
        try:
            status, _ = get(url_of(contender), token)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{contender.name} did not answer within {timeout}s")


def result_ids(body):
    return [row["id"] for row in json.loads(body)["results"]]


def check_same_rows(token):
    """Every contender must return the same 100 markets in the same order."""
    expected = None
    for contender in CONTENDERS:
        status, body = get(url_of(contender), token)
        ids = result_ids(body)
        if status != 200 or len(ids) != 100:
            raise SystemExit(f"{contender.name}: status {status}, {len(ids)} rows")
        if expected is None:
            expected = ids
        elif ids != expected:
            raise SystemExit(f"{contender.name} returns other rows than {CONTENDERS[0].name}")


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(contender, duration):
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{duration}s", "--timeout", "10s", "--latency"]
    command += ["-s", str(BENCH / "tokens.lua"), url_of(contender), "--", str(TOKENS)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    percentiles = {
        int(p): float(value) * UNITS[unit]
        for p, value, unit in re.findall(r"^\s+(\d+)%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
    }
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": percentiles[50],
        "p99_ms": percentiles[99],
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": sum(map(int, re.findall(r"\d+", sockets.group(1)))) if sockets else 0,
    }


def machine():
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")), platform.processor(),
    )  # fmt: skip
    memory_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))

    def version(*command):
        try:
            return subprocess.run(command, capture_output=True, text=True).stdout.strip()
        except OSError:
            return "unknown"

    server_version = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", "SHOW server_version"]
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(memory_kb / 1024**2, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "postgresql": version(*server_version, DATABASE),
        "redis": version("redis-server", "--version").split(" sha=")[0],
        "wrk": version("wrk", "--version").split(" [")[0],
    }


def summarize(samples):
    summary = {}
    for name, runs in samples.items():
        summary[name] = {
            metric: statistics.median(run[metric] for run in runs)
            for metric in ("rps", "p50_ms", "p99_ms")
        }
        summary[name]["socket_errors"] = sum(run["socket_errors"] for run in runs)
    targets = []
    for label, contender, reference, metric, comparison, bound in TARGETS:
        ratios = [
            run[metric] / ref[metric]
            for run, ref in zip(samples[contender], samples[reference], strict=True)
        ]
        ratio = statistics.median(ratios)
        met = ratio >= bound if comparison == ">=" else ratio <= bound
        targets.append({"target": label, "ratio": round(ratio, 3), "met": met})
    return summary, targets


def markdown(summary, targets, info):
    lines = [
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory_gib']} GiB; "
        f"PostgreSQL {info['postgresql']}; {info['redis']}; Python {info['python']}; "
        f"{info['wrk']}.",
        f"Run: {WORKERS} workers each, wrk 1 thread x {CONNECTIONS} connections, {ROUNDS} rounds "
        f"x {DURATION} s per contender, alternating.",
        "",
        "| contender | req/s | p50 ms | p99 ms | req/s / floor | p99 / floor | socket errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, figures in summary.items():
        floor = summary["floor-cached" if name.endswith("-cached") else "floor"]
        lines.append(
            f"| {name} | {figures['rps']:.0f} | {figures['p50_ms']:.2f} | "
            f"{figures['p99_ms']:.2f} | {figures['rps'] / floor['rps']:.2f} | "
            f"{figures['p99_ms'] / floor['p99_ms']:.2f} | {figures['socket_errors']} |"
        )
    lines += ["", "| target | ratio (median of rounds) | met |", "|---|---:|---|"]
    for target in targets:
        lines.append(
            f"| {target['target']} | {target['ratio']:.2f} | {'yes' if target['met'] else 'NO'} |"
        )
    return "\n".join(lines) + "\n"


def main():
    if not TOKENS.exists():
        raise SystemExit("No bench/data/tokens.txt: run bench/load_data.sh first.")
    token = TOKENS.read_text().split()[0]
    logs = RESULTS / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    try:
        for server in SERVERS.values():
            start(server, logs)
        for contender in CONTENDERS:
            wait_ready(contender, token)
        check_same_rows(token)
        for contender in CONTENDERS:
            wrk(contender, WARMUP)
        samples = {contender.name: [] for contender in CONTENDERS}
        for round_number in range(1, ROUNDS + 1):
            for contender in CONTENDERS:
                run = wrk(contender, DURATION)
                if run["non_2xx"]:
                    raise SystemExit(f"{contender.name}: failed requests {run}")
                samples[contender.name].append(run)
                print(f"round {round_number} {contender.name:13} {run}", flush=True)
    finally:
        for server in SERVERS.values():
            stop(server)
    summary, targets = summarize(samples)
    info = machine()
    stamp = time.strftime("%Y%m%d-%H%M%S")
    report = markdown(summary, targets, info)
    (RESULTS / f"http-{stamp}.json").write_text(
        json.dumps({"machine": info, "samples": samples, "summary": summary, "targets": targets},
                   indent=2)
    )  # fmt: skip
    (RESULTS / f"http-{stamp}.md").write_text(report)
    print(report)
    return 0 if all(target["met"] for target in targets) else 1


if __name__ == "__main__":
    sys.exit(main())
