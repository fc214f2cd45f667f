"""The hostile-input fuzzer of issue 11: every query parameter of every list endpoint and every
JSON body field of every write, given format characters, huge numbers, NaN and infinities,
unicode, NUL, lone surrogates, deep nesting and oversize text — never a 5xx.

Values are sent as raw bytes (percent-encoded queries, JSON text spliced into a valid body) so
that what no Python client would produce (a lone surrogate, a 400-digit integer) is sent too.
Each test walks its whole grid and reports every request that failed, not just the first.
"""

import json
from urllib.parse import quote

import pytest

from accounts.api.serializers import OwnProfileSerializer
from accounts.filtersets import UserFilterSet
from props.api.experiments import ExperimentSerializer
from props.api.market_serializers import PropMarketSerializer
from props.api.slips import SavedSlipSerializer
from props.api.snapshots import SnapshotSerializer
from props.filtersets.edges import EdgesFilterSet
from props.filtersets.experiments import ExperimentFilterSet
from props.filtersets.markets import PropMarketFilterSet
from props.filtersets.movement import MoversFilterSet
from props.filtersets.slips import SavedSlipFilterSet
from props.filtersets.snapshots import SnapshotFilterSet
from tests.factories import (
    ExperimentFactory,
    PropMarketFactory,
    SavedSlipFactory,
    SnapshotFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

QUERY_VALUES = [
    "",
    " ",
    "%s",
    "x%s",
    "%(name)s",
    "%d%%",
    "{0}",
    "{}",
    "-",
    "-%s",
    "metric:%s",
    "-metric:x%s",
    "9" * 400,
    "1e999",
    "-1e999",
    "99999999999999999999",
    "-1",
    "0x10",
    "5.5",
    "NaN",
    "inf",
    "-Infinity",
    "Ωmega",
    "\u202eevil",
    "😀",
    "\uff57\uff45\uff45\uff4b",  # fullwidth "week"
    "a\x00b",
    "\x00",
    "\ud800",
    "a\udfffb",
    "x" * 5000,
    "' OR 1=1 --",
    "a,b,,c",
    "true",
    "2024-02-30",
    "00000000-0000-0000-0000-000000000000",
]

# JSON text for a body field: whatever the field's type, none of these may be a 5xx.
JSON_VALUES = [
    "null",
    "true",
    "0",
    "-1",
    '""',
    '"%s"',
    '"x%(a)s"',
    '"\\u0000"',
    '"a\\u0000b"',
    '"\\ud800"',
    '"\\udfff tail"',
    '"\\ud83d\\ude00"',
    '"Ωmega \\u202e"',
    "1" + "0" * 400,
    "-1" + "0" * 400,
    "1e400",
    "-1e400",
    "NaN",
    "Infinity",
    "1" + "0" * 5000,
    json.dumps("x" * 20_000),
    "[]",
    "{}",
    '{"a": "\\ud800"}',
    '{"\\u0000": 1}',
    '[{"player": "A", "stat": "b", "line": 1e400, "odds": -1e9}]',
    "[" * 33 + "1" + "]" * 33,
    '{"a":' * 33 + "1" + "}" * 33,
    "[" * 930 + "1" + "]" * 930,
    '{"a":' * 930 + "1" + "}" * 930,
    "[" * 100_000 + "]" * 100_000,
]


def parameters_of(filterset_class):
    names = []
    for name, declared in filterset_class.base_filters.items():
        suffixes = getattr(declared.field.widget, "suffixes", None)
        names.extend(f"{name}_{suffix}" for suffix in suffixes) if suffixes else names.append(name)
    return names


PAGING = ["page", "page_size", "cursor", "ordering", "not_a_parameter"]
LISTS = [
    ("/api/v1/prop-markets/", PropMarketFilterSet, ()),
    ("/api/v1/prop-markets/compare/", PropMarketFilterSet, ("min_platforms", "limit", "offset")),
    ("/api/v1/prop-markets/movers/", MoversFilterSet, ()),
    ("/api/v1/experiments/", ExperimentFilterSet, ()),
    ("/api/v1/experiments/stats/", ExperimentFilterSet, ()),
    ("/api/v1/saved-slips/", SavedSlipFilterSet, ()),
    ("/api/v1/snapshots/", SnapshotFilterSet, ()),
    ("/api/v1/users/", UserFilterSet, ()),
]


def encoded(value):
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


@pytest.fixture
def world(db):
    staff = UserFactory(is_staff=True, clerk_user_id=None)
    snapshot = SnapshotFactory(snapshot_id="fuzz-board")
    PropMarketFactory.create_batch(3, league="NFL", week=5)
    PropMarketFactory(snapshot=snapshot)
    experiment = ExperimentFactory(user=staff, snapshot=snapshot, metrics={"roi": 0.1})
    slip = SavedSlipFactory(user=staff, snapshot=snapshot)
    return {"staff": staff, "snapshot": snapshot, "experiment": experiment, "slip": slip}


@pytest.mark.parametrize("path, filterset_class, extra", LISTS, ids=[entry[0] for entry in LISTS])
def test_no_query_value_is_a_server_error(client_for, world, path, filterset_class, extra):
    client = client_for(world["staff"])
    failures = []
    for name in [*parameters_of(filterset_class), *extra, *PAGING]:
        for value in QUERY_VALUES:
            query = f"{name}={encoded(value)}"
            response = client.get(f"{path}?{query}")
            if response.status_code >= 500:
                failures.append((query[:80], response.status_code))
    assert failures == []


def test_no_query_value_of_the_edges_is_a_server_error(client_for, world):
    # league and week are required: each parameter is fuzzed beside a valid board.
    client = client_for(world["staff"])
    failures = []
    for name in [*parameters_of(EdgesFilterSet), *PAGING]:
        for value in QUERY_VALUES:
            board = {"league": "NFL", "week": "5"}
            board[name] = encoded(value)
            query = "&".join(f"{key}={item}" for key, item in board.items())
            response = client.get(f"/api/v1/prop-markets/edges/?{query}")
            if response.status_code >= 500:
                failures.append((query[:80], response.status_code))
    assert failures == []


def test_no_query_value_of_a_markets_history_is_a_server_error(client_for, world):
    client = client_for(world["staff"])
    market = PropMarketFactory()
    failures = []
    for name in PAGING:
        for value in QUERY_VALUES:
            query = f"{name}={encoded(value)}"
            response = client.get(f"/api/v1/prop-markets/{market.pk}/history/?{query}")
            if response.status_code >= 500:
                failures.append((query[:80], response.status_code))
    assert failures == []


def test_no_query_value_of_the_diff_is_a_server_error(client_for, world):
    client = client_for(world["staff"])
    failures = []
    for value in QUERY_VALUES:
        response = client.get(f"/api/v1/snapshots/fuzz-board/diff/?against={encoded(value)}")
        if response.status_code >= 500:
            failures.append((value[:40], response.status_code))
    assert failures == []


def writes(world):
    """(method, path, a valid body, the serializer whose writable fields are fuzzed)."""
    market = {
        "week": 5,
        "league": "NFL",
        "player_name": "Fuzz Player",
        "market_type": "passing_yards",
        "line": 250.5,
        "platform": "prizepicks",
    }
    experiment = {"week": 5, "league": "NFL", "bankroll": 100.0}
    slip = {"legs": [{"player": "A", "stat": "b", "line": 1.5}]}
    snapshot = {"snapshot_id": "fuzz-new", "league": "NFL", "week": 5}
    market_id = PropMarketFactory(league="NFL", week=6).pk
    return [
        ("patch", "/api/v1/users/me/", {"full_name": "Pat"}, OwnProfileSerializer),
        ("post", "/api/v1/experiments/", experiment, ExperimentSerializer),
        ("patch", f"/api/v1/experiments/{world['experiment'].pk}/", {}, ExperimentSerializer),
        ("post", "/api/v1/saved-slips/", slip, SavedSlipSerializer),
        ("put", f"/api/v1/saved-slips/{world['slip'].pk}/", slip, SavedSlipSerializer),
        ("post", "/api/v1/snapshots/", snapshot, SnapshotSerializer),
        ("patch", "/api/v1/snapshots/fuzz-board/", {}, SnapshotSerializer),
        ("post", "/api/v1/prop-markets/", market, PropMarketSerializer),
        ("patch", f"/api/v1/prop-markets/{market_id}/", {}, PropMarketSerializer),
    ]


def writable_fields(serializer_class):
    return [name for name, f in serializer_class().fields.items() if not f.read_only]


def spliced(body, field, value_text):
    others = {key: value for key, value in body.items() if key != field}
    head = json.dumps(others)[:-1]
    return f'{head}{", " if others else ""}"{field}": {value_text}}}'


def test_no_body_value_is_a_server_error(client_for, world):
    client = client_for(world["staff"])
    failures = []
    for method, path, body, serializer_class in writes(world):
        for field in [*writable_fields(serializer_class), "bogus"]:
            for value_text in JSON_VALUES:
                text = spliced(body, field, value_text)
                response = getattr(client, method)(path, data=text, content_type="application/json")
                if response.status_code >= 500:
                    failures.append((method, path, field, value_text[:40], response.status_code))
    assert failures == []


@pytest.mark.parametrize(
    "text",
    [
        "",
        "null",
        "[]",
        '"x"',
        "[" * 5000 + "]" * 5000,
        '{"a":' * 5000 + "1" + "}" * 5000,
        '{"\\ud800": 1}',
        '{"\\u0000": 1}',
        "\ufeff{}",
        "{",
        "1e400",
    ],
)
def test_no_whole_body_is_a_server_error(client_for, world, text):
    client = client_for(world["staff"])

    for method, path in [("post", "/api/v1/saved-slips/"), ("patch", "/api/v1/users/me/")]:
        response = getattr(client, method)(path, data=text, content_type="application/json")
        assert response.status_code < 500, (method, path, response.content[:200])
