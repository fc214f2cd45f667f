"""The back office at 1,000,000 markets: median and p95 of each admin page staff use, over HTTP.

    .venv/bin/python bench/admin.py                       (after bench/load_admin_data.sh)
    .venv/bin/python bench/admin.py --rounds 20 --only inline_save,bulk_edit_500
    .venv/bin/python bench/admin.py --profile inline_save (pyinstrument, in-process, no server)

Against the `bench_admin` database (BENCH_DATABASE; 1M markets and ~2M history rows from
bench/load_admin_data.sh) and Redis database 7 (BENCH_REDIS_URL): migrates it (later migrations
land on the loaded data), collects the static files, starts gunicorn with gunicorn.conf.py as
deployed (DEBUG off, PostgreSQL, Redis; workers = 2 x cores + 1), logs in as a staff user
through the admin's login form (requests.Session, CSRF token and cookie), then runs every
scenario in turn, round after round (A B C … A B C …, so the machine's noise spreads over all of
them), and prints median / p95 / max per scenario. Writes (inline save, bulk edit, capture)
change the data the way staff do and are undone afterwards (lines shifted back, captured
snapshots deleted with their rows), so runs can follow each other on the same database.

A scenario whose page does not exist (404, or a link the list does not offer) is reported
"not available" rather than failing the run. Results: bench/results/admin-<time>.json.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import percentile, use_bench_environment  # noqa: E402

STAFF_EMAIL = "bench-admin@staff.bench.betterbros.invalid"
STAFF_PASSWORD = "bench-admin-password-not-for-production"
MARKETS = "/admin/props/propmarket/"
HISTORY = "/admin/props/historicalpropmarket/"
CAPTURE = "/admin/props/snapshot/capture/"
CAPTURE_PREFIX = "bench-capture-"
BOARD = {"league__exact": "NFL", "week": "5"}
BULK_ROWS = 500
GOALS_MS = {"page": 500, "inline_save": 300, "bulk_edit_500": 1000, "capture_14k": 2000}


class NotAvailable(Exception):
    """The page or link a scenario needs is not there (yet)."""


# --- HTTP clients: real (requests against gunicorn) and in-process (for profiles) -------------


class Response:
    def __init__(self, status, text, location=""):
        self.status, self.text, self.location = status, text, location


class HttpClient:
    def __init__(self, base_url):
        import requests

        self.base_url = base_url
        self.session = requests.Session()

    def request(self, method, path, data=None):
        response = self.session.request(
            method, self.base_url + path, data=data, allow_redirects=False, timeout=120
        )
        return Response(response.status_code, response.text, response.headers.get("Location", ""))

    def csrf(self):
        return self.session.cookies.get("csrftoken", "")


class InProcessClient:
    """django.test.Client with CSRF checks on, so the same scenarios post the same forms."""

    def __init__(self):
        from django.test import Client

        self.client = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")

    def request(self, method, path, data=None):
        call = self.client.post if method == "POST" else self.client.get
        response = call(path, data) if data is not None else call(path)
        return Response(
            response.status_code, response.content.decode(), response.headers.get("Location", "")
        )

    def csrf(self):
        cookie = self.client.cookies.get("csrftoken")
        return cookie.value if cookie else ""


def get(client, path, query=None):
    url = path + ("?" + urlencode(query, doseq=True) if query else "")
    response = client.request("GET", url)
    if response.status == 404:
        raise NotAvailable(f"{url}: 404")
    if response.status != 200:
        raise RuntimeError(f"GET {url}: {response.status} {response.text[:300]}")
    return response


def post(client, path, data, expect=(200, 302)):
    response = client.request("POST", path, {**data, "csrfmiddlewaretoken": client.csrf()})
    if response.status == 404:
        raise NotAvailable(f"POST {path}: 404")
    if response.status not in expect:
        raise RuntimeError(f"POST {path}: {response.status} {response.text[:500]}")
    return response


def log_in(client):
    client.request("GET", "/admin/login/")
    response = client.request(
        "POST",
        "/admin/login/?next=/admin/",
        {"username": STAFF_EMAIL, "password": STAFF_PASSWORD, "csrfmiddlewaretoken": client.csrf()},
    )
    if response.status != 302:
        raise RuntimeError(f"log in as {STAFF_EMAIL} failed: {response.status}")


class FormFields(HTMLParser):
    """The fields a browser would post from the form with id `form_id`."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.fields, self.select = form_id, False, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.fields.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self.select = [name, None, None]
        elif tag == "option" and self.select is not None:
            value = attrs.get("value", "")
            if self.select[1] is None:
                self.select[1] = value
            if "selected" in attrs:
                self.select[2] = value

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        if tag == "select" and self.select is not None:
            name, first, selected = self.select
            self.fields.append((name, selected if selected is not None else first or ""))
            self.select = None


def form_fields(html, form_id):
    parser = FormFields(form_id)
    parser.feed(html)
    return dict(parser.fields)


def link(html, pattern, what):
    found = re.search(pattern, html, re.S)
    if not found:
        raise NotAvailable(f"no {what} link on the page")
    return found.group(1).replace("&amp;", "&")


# --- The data the scenarios use, picked from the database once -------------------------------


def fixtures(args):
    from accounts.models import User
    from props.models import PropMarket

    staff, _ = User.objects.get_or_create(email=STAFF_EMAIL)
    staff.is_staff = staff.is_superuser = True
    staff.set_password(STAFF_PASSWORD)
    staff.save()
    live = PropMarket.objects.filter(snapshot=None)
    market = live.filter(league="NFL", week=5, team="KC").order_by("player_name", "id").first()
    if market is None:
        market = live.filter(league="NFL", week=5).order_by("player_name", "id").first()
    last_name = market.player_name.split()[-1]
    bulk_ids = [
        str(pk)
        for pk in live.filter(league="NFL", week=6, platform="draftkings")
        .order_by("id")
        .values_list("id", flat=True)[:BULK_ROWS]
    ]
    return {
        "staff_id": str(staff.pk),
        "market_id": str(market.pk),
        "full_name": market.player_name,
        "last_name": last_name,
        "partial_name": last_name[1:5].lower(),
        "team": market.team or "KC",
        "bulk_ids": bulk_ids,
        "live_markets": live.count(),
        "board_markets": live.filter(league="NFL", week=5).count(),
    }


# --- Scenarios: each returns the milliseconds of the request it measures ---------------------


def timed(call):
    started = time.perf_counter()
    response = call()
    return (time.perf_counter() - started) * 1000, response


def page(path, query=None):
    def run(client, data, state):
        return timed(lambda: get(client, path, query))[0]

    return run


def sorted_by_line(client, data, state):
    if "sort_line" not in state:
        html = get(client, MARKETS).text
        state["sort_line"] = link(
            html, r'class="[^"]*sortable[^"]*column-line[^"]*".*?href="(\?o=[^"]*)"', "sort-by-line"
        )
    return timed(lambda: get(client, MARKETS + state["sort_line"]))[0]


def last_page(client, data, state):
    if "last" not in state:
        html = get(client, MARKETS).text
        state["last"] = link(html, r'href="(\?[^"]*\blast=1[^"]*)"', "Last page")
    return timed(lambda: get(client, MARKETS + state["last"]))[0]


def middle_row(live_count):
    """The sort values of the row in the middle of the default order (what a "middle page"
    starts after): read once, with an OFFSET no page view would use."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT player_name, market_type, platform, id::text FROM prop_markets "
            "WHERE snapshot_id IS NULL ORDER BY player_name, market_type, platform, id DESC "
            "OFFSET %s LIMIT 1",
            [live_count // 2],
        )
        return list(cursor.fetchone())


def middle_page(client, data, state):
    if "middle" not in state:
        from betterbros.admin_paging import AFTER_VAR, decode_cursor, encode_cursor

        html = get(client, MARKETS).text
        next_link = link(html, rf'href="(\?[^"]*\b{AFTER_VAR}=[^"&]+[^"]*)"', "Next page")
        cursor = re.search(rf"{AFTER_VAR}=([^&]+)", next_link).group(1)
        if len(decode_cursor(cursor, 4)) != 4:
            raise NotAvailable("the list's order is not (name, type, platform, id)")
        middle = encode_cursor(middle_row(data["live_markets"]))
        state["middle"] = next_link.replace(cursor, middle)
    return timed(lambda: get(client, MARKETS + state["middle"]))[0]


def inline_save(client, data, state):
    """One row's line changed on the league+week page (100 rows posted, as the browser does)."""
    query = "?" + urlencode(BOARD)
    fields = form_fields(get(client, MARKETS + query).text, "changelist-form")
    if "form-0-line" not in fields:
        raise NotAvailable("no editable rows on the league+week page")
    state["round"] = state.get("round", 0) + 1
    line = float(fields["form-0-line"])
    fields["form-0-line"] = str(line + (0.5 if state["round"] % 2 else -0.5))
    fields["_save"] = "Save"
    fields.pop("action", None)
    return timed(lambda: post(client, MARKETS + query, fields, expect=(302,)))[0]


def bulk_edit(client, data, state):
    """Shift the line of 500 ticked markets by ±0.5: the confirmation POST, then the apply."""
    state["round"] = state.get("round", 0) + 1
    shift = "0.5" if state["round"] % 2 else "-0.5"
    form = {
        "action": "edit_selected",
        "index": "0",
        "select_across": "0",
        "_selected_action": data["bulk_ids"],
        "change": "shift_line",
        "shift": shift,
    }
    confirm_ms, response = timed(lambda: post(client, MARKETS, form, expect=(200,)))
    if 'name="post"' not in response.text:
        raise NotAvailable("the bulk edit action shows no confirmation page")
    data["bulk_confirm_ms"] = confirm_ms  # reported by the next scenario
    apply_ms, response = timed(
        lambda: post(client, MARKETS, {**form, "post": "yes", "reason": "bench"}, expect=(302,))
    )
    return apply_ms


def bulk_confirm(client, data, state):
    return data.pop("bulk_confirm_ms", None)


def capture(client, data, state):
    state["round"] = state.get("round", 0) + 1
    form = {
        "snapshot_id": f"{CAPTURE_PREFIX}{os.getpid()}-{state['round']}",
        "league": "NFL",
        "week": "5",
        "season": "2024",
        "name": "bench capture",
        "description": "",
        "model_version": "",
    }
    return timed(lambda: post(client, CAPTURE, form, expect=(302,)))[0]


def capture_service(client, data, state):
    """The capture's own work, as the background job runs it (the admin's POST only queues
    the job): `capture_snapshot`, in this process, on the same database."""
    from props.services import capture_snapshot

    state["round"] = state.get("round", 0) + 1
    slug = f"{CAPTURE_PREFIX}service-{os.getpid()}-{state['round']}"
    started = time.perf_counter()
    capture_snapshot(slug=slug, league="NFL", week=5, season=2024, name="bench capture")
    return (time.perf_counter() - started) * 1000


def scenarios(data):
    name, last, partial, team = (
        data["full_name"],
        data["last_name"],
        data["partial_name"],
        data["team"],
    )
    return [
        ("admin index", "page", page("/admin/")),
        ("market list (opens on the live board)", "page", page(MARKETS)),
        ("market list, all boards", "page", page(MARKETS, {"board": "all"})),
        ("league + week", "page", page(MARKETS, BOARD)),
        ("league + week, all boards", "page", page(MARKETS, {**BOARD, "board": "all"})),
        ("league + week + active", "page", page(MARKETS, {**BOARD, "is_active__exact": "1"})),
        ("platform", "page", page(MARKETS, {"platform__exact": "draftkings"})),
        (f"name search, full ({name})", "page", page(MARKETS, {"q": name})),
        (f"name search, last ({last})", "page", page(MARKETS, {"q": last})),
        (f"name search, partial ({partial})", "page", page(MARKETS, {"q": partial})),
        (f"team search ({team})", "page", page(MARKETS, {"q": team})),
        ("sort by line", "page", sorted_by_line),
        ("first page (500 rows)", "page", page(MARKETS, {"n": "500"})),
        ("middle page", "page", middle_page),
        ("last page", "page", last_page),
        ("market change page", "page", page(f"{MARKETS}{data['market_id']}/change/")),
        ("history list", "page", page(HISTORY)),
        (
            "history list, league + week + platform",
            "page",
            page(HISTORY, {**BOARD, "platform__exact": "draftkings"}),
        ),
        (f"history list, searched ({last})", "page", page(HISTORY, {"q": last})),
        ("inline save (1 row of 100)", "inline_save", inline_save),
        ("bulk edit 500: apply", "bulk_edit_500", bulk_edit),
        ("bulk edit 500: confirmation page", "bulk_edit_500", bulk_confirm),
        ("capture: the admin's POST (queues the job)", "page", capture),
        (
            f"capture NFL week 5 ({data['board_markets']:,} markets), the job's work",
            "capture_14k",
            capture_service,
        ),
    ]


# --- Running -------------------------------------------------------------------------------


def environment(args):
    use_bench_environment(
        args.database, args.redis, STATIC_ROOT=str(ROOT / "bench" / "data" / "staticfiles")
    )


def prepare(args):
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], check=True, cwd=ROOT)
    subprocess.run([*manage, "collectstatic", "--no-input", "-v", "0"], check=True, cwd=ROOT)


def start_gunicorn(args):
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "GUNICORN_BIND": f"127.0.0.1:{args.port}",
        "GUNICORN_ACCESS_LOG": str(results / "admin-access.log"),
        "GUNICORN_LOG_LEVEL": "warning",
    }
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "gunicorn.conf.py", "betterbros.wsgi"],
        cwd=ROOT,
        env=env,
    )
    import requests

    for _ in range(120):
        try:
            if requests.get(f"http://127.0.0.1:{args.port}/health/live/", timeout=2).ok:
                return server
        except requests.RequestException:
            pass
        time.sleep(0.5)
    server.terminate()
    raise RuntimeError("gunicorn did not answer /health/live/ within 60 s")


def clean_up(data):
    """Undo what the write scenarios left: captured snapshots with their markets and history."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT id FROM snapshots WHERE snapshot_id LIKE %s", [CAPTURE_PREFIX + "%"])
        ids = [row[0] for row in cursor.fetchall()]
        if ids:
            cursor.execute("DELETE FROM prop_markets_history WHERE snapshot_id = ANY(%s)", [ids])
            cursor.execute("DELETE FROM prop_markets WHERE snapshot_id = ANY(%s)", [ids])
            cursor.execute("DELETE FROM snapshots_history WHERE id = ANY(%s)", [ids])
            cursor.execute("DELETE FROM snapshots WHERE id = ANY(%s)", [ids])
    return len(ids)


def run(args, client, data):
    chosen = scenarios(data)
    if args.only:
        wanted = args.only.split(",")
        chosen = [s for s in chosen if any(w in s[0].replace(" ", "_") for w in wanted)]
    samples = {name: [] for name, _, _ in chosen}
    unavailable, states = {}, {name: {} for name, _, _ in chosen}
    write_rounds = {"bulk_edit_500": args.write_rounds, "capture_14k": args.capture_rounds}
    loads = [os.getloadavg()[0]]
    for round_number in range(args.warmup + args.rounds):
        for name, kind, scenario in chosen:
            if name in unavailable:
                continue
            if round_number >= args.warmup + write_rounds.get(kind, args.rounds):
                continue
            try:
                elapsed = scenario(client, data, states[name])
            except NotAvailable as exc:
                unavailable[name] = str(exc)
                continue
            except RuntimeError as exc:  # a 500 or a worker timeout: reported, not fatal
                unavailable[name] = f"failed: {str(exc)[:160]}"
                continue
            if elapsed is not None and round_number >= args.warmup:
                samples[name].append(elapsed)
        loads.append(os.getloadavg()[0])
        print(f"round {round_number + 1}/{args.warmup + args.rounds} (load {loads[-1]:.1f})")
    rows = []
    for name, kind, _ in chosen:
        goal = GOALS_MS[kind]
        if name in unavailable:
            rows.append({"scenario": name, "available": False, "why": unavailable[name]})
            continue
        values = samples[name]
        if not values:
            continue
        rows.append(
            {
                "scenario": name,
                "available": True,
                "n": len(values),
                "median_ms": round(statistics.median(values)),
                "p95_ms": round(percentile(values, 0.95)),
                "max_ms": round(max(values)),
                "goal_ms": goal,
                "met": percentile(values, 0.95) <= goal,
            }
        )
    return rows, loads


def report(rows, loads, data):
    print(
        f"\n{data['live_markets']:,} live markets; load average {min(loads):.1f}-{max(loads):.1f}"
    )
    print(f"{'scenario':52} {'n':>3} {'median':>8} {'p95':>8} {'max':>8} {'goal':>6}")
    for row in rows:
        if not row["available"]:
            print(f"{row['scenario']:52} not available ({row['why']})")
            continue
        print(
            f"{row['scenario']:52} {row['n']:>3} {row['median_ms']:>6}ms {row['p95_ms']:>6}ms "
            f"{row['max_ms']:>6}ms {row['goal_ms']:>4}ms {'met' if row['met'] else 'MISSED'}"
        )


def profile(args, data):
    """Run one scenario in-process under pyinstrument (the same view code, no network)."""
    from pyinstrument import Profiler

    client = InProcessClient()
    log_in(client)
    chosen = [s for s in scenarios(data) if args.profile in s[0].replace(" ", "_")]
    if not chosen:
        raise SystemExit(f"no scenario matches {args.profile!r}")
    name, _, scenario = chosen[0]
    state = {}
    scenario(client, data, state)  # warm: imports, first queries, cursors found
    profiler = Profiler(interval=args.interval)
    timings = []
    with profiler:
        for _ in range(args.profile_rounds):
            timings.append(scenario(client, data, state))
    print(f"{name}: {[round(t) for t in timings if t is not None]} ms")
    print(profiler.output_text(unicode=True, color=False, show_all=args.all))
    out = ROOT / "bench" / "results" / f"admin-profile-{args.profile}.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(profiler.output_html())
    print(f"HTML profile: {out}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE", "bench_admin"))
    parser.add_argument(
        "--redis", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
    )
    parser.add_argument("--port", type=int, default=8131)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--write-rounds", type=int, default=10, help="bulk edits measured")
    parser.add_argument("--capture-rounds", type=int, default=5)
    parser.add_argument("--only", help="comma-separated parts of scenario names (_ for space)")
    parser.add_argument("--profile", help="profile this scenario in-process instead")
    parser.add_argument("--profile-rounds", type=int, default=5)
    parser.add_argument("--all", action="store_true", help="profile: library frames too")
    parser.add_argument("--interval", type=float, default=0.001, help="profile: seconds")
    parser.add_argument("--skip-prepare", action="store_true", help="no migrate/collectstatic")
    args = parser.parse_args()
    if args.database.startswith(("bb_h", "test")):
        raise SystemExit("bench/admin.py writes to its database: never a test database")

    environment(args)
    if not args.skip_prepare:
        prepare(args)
    import django

    django.setup()
    data = fixtures(args)
    try:
        if args.profile:
            profile(args, data)
            return
        server = start_gunicorn(args)
        try:
            client = HttpClient(f"http://127.0.0.1:{args.port}")
            log_in(client)
            started = datetime.now(UTC)
            rows, loads = run(args, client, data)
        finally:
            server.terminate()
            server.wait(timeout=60)
        report(rows, loads, data)
        out = ROOT / "bench" / "results" / f"admin-{started:%Y%m%dT%H%M%S}.json"
        out.write_text(
            json.dumps(
                {
                    "started": started.isoformat(),
                    "database": args.database,
                    "rounds": args.rounds,
                    "load_average": [min(loads), max(loads)],
                    "fixtures": {k: v for k, v in data.items() if k != "bulk_ids"},
                    "results": rows,
                },
                indent=2,
            )
        )
        print(f"results: {out}")
    finally:
        print(f"cleaned up {clean_up(data)} captured snapshot(s)")


if __name__ == "__main__":
    main()
