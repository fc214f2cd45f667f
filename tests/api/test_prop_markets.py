"""`/api/v1/prop-markets/`: shape, detail, staff writes through the services, the odds rule,
locked snapshots (409), cursor pages and query counts."""

import uuid

import pytest

from props.api.market_serializers import PropMarketSerializer
from props.models import PropMarket
from props.selectors import MARKET_KEYS
from props.services import lock_snapshot
from tests.factories import PropMarketFactory, SnapshotFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("board_fast_path")]
URL = "/api/v1/prop-markets/"


def detail(market):
    return f"{URL}{market.pk}/"


def new_market(**overrides):
    return {
        "league": "NFL",
        "week": 5,
        "season": 2024,
        "player_name": "Patrick Mahomes",
        "market_type": "passing_yards",
        "line": 275.5,
        "platform": "underdog",
        **overrides,
    }


def test_list_rows_have_the_documented_shape(user_client):
    market = PropMarketFactory(snapshot=SnapshotFactory(), extra_metadata={"under_odds": 1.8})

    response = user_client.get(URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"next", "previous", "results"}
    (row,) = body["results"]
    documented = {
        name for name, field in PropMarketSerializer().fields.items() if not field.write_only
    }
    assert set(row) == documented == set(MARKET_KEYS)
    assert row == PropMarketSerializer(market).data | {"id": str(market.pk)}


def test_detail_returns_one_market(user_client):
    market = PropMarketFactory(line=3.5)

    response = user_client.get(detail(market))

    assert response.status_code == 200
    assert response.json()["id"] == str(market.pk)
    assert response.json()["line"] == 3.5


# A fixed unknown id: test ids must be the same in every pytest-xdist worker.
@pytest.mark.parametrize("path", [f"{URL}{uuid.UUID(int=1)}/", f"{URL}not-a-uuid/"])
def test_unknown_or_malformed_market_is_404(user_client, path):
    assert user_client.get(path).status_code == 404


def test_anonymous_user_is_refused(api_client):
    assert api_client.get(URL).status_code in (401, 403)


def test_user_cannot_write(user_client):
    market = PropMarketFactory()

    assert user_client.post(URL, new_market(), format="json").status_code == 403
    assert user_client.patch(detail(market), {"line": 1}, format="json").status_code == 403
    assert user_client.delete(detail(market)).status_code == 403
    assert PropMarket.objects.count() == 1


def test_staff_creates_a_market_on_the_live_board(staff_client):
    response = staff_client.post(URL, new_market(odds=1.87), format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["snapshot"] is None
    assert body["sport"] == "football"
    assert PropMarket.objects.get(pk=body["id"]).odds == 1.87


def test_staff_creates_a_market_in_a_snapshot_by_slug(staff_client):
    snapshot = SnapshotFactory()

    response = staff_client.post(URL, new_market(snapshot=snapshot.snapshot_id), format="json")

    assert response.status_code == 201, response.content
    assert response.json()["snapshot"] == snapshot.snapshot_id


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ({"odds": -110}, 1.9091),
        ({"odds": 2.5}, 2.5),
        ({"american_odds": 150}, 2.5),
        ({"american_odds": -200}, 1.5),
        ({"odds": None}, None),
    ],
)
def test_odds_follow_the_odds_rule(staff_client, given, stored):
    response = staff_client.post(URL, new_market(**given), format="json")

    assert response.status_code == 201, response.content
    assert response.json()["odds"] == stored
    assert "american_odds" not in response.json()


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"odds": 1.0}, "odds"),
        ({"odds": -50}, "odds"),
        ({"odds": 0}, "odds"),
        ({"odds": 50_000}, "odds"),
        ({"odds": "NaN"}, "odds"),
        ({"american_odds": 50}, "american_odds"),
        ({"odds": 2.0, "american_odds": 150}, "american_odds"),
        ({"line": -0.5}, "line"),
        ({"line": "Infinity"}, "line"),
        ({"line": "NaN"}, "line"),
        ({"player_name": "Pat\x00rick"}, "player_name"),
        ({"player_name": "x" * 300}, "player_name"),
        ({"extra_metadata": ["a list"]}, "extra_metadata"),
        ({"league": "XFL"}, "league"),
        ({"platform": "nowhere"}, "platform"),
        ({"snapshot": "no-such-snapshot"}, "snapshot"),
        ({"week": 1000}, "week"),
    ],
)
def test_invalid_market_is_400_with_field_errors_and_nothing_is_created(staff_client, given, field):
    response = staff_client.post(URL, new_market(**given), format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not PropMarket.objects.exists()


def test_malformed_json_is_400(staff_client):
    response = staff_client.post(URL, b'{"league": ', content_type="application/json")

    assert response.status_code == 400


def test_duplicate_natural_key_is_400_not_500(staff_client):
    PropMarketFactory(platform="underdog", external_id="abc")

    response = staff_client.post(URL, new_market(external_id="abc"), format="json")

    assert response.status_code == 400
    assert PropMarket.objects.count() == 1


def test_staff_changes_a_line(staff_client):
    market = PropMarketFactory(line=275.5)

    response = staff_client.patch(detail(market), {"line": 280.5}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["line"] == 280.5
    market.refresh_from_db()
    assert market.line == 280.5


def test_staff_replaces_a_market_with_put(staff_client):
    market = PropMarketFactory()

    response = staff_client.put(detail(market), new_market(line=9.5), format="json")

    assert response.status_code == 200, response.content
    market.refresh_from_db()
    assert (market.player_name, market.line) == ("Patrick Mahomes", 9.5)
    assert market.platform == "underdog"


def test_staff_deletes_a_market(staff_client):
    market = PropMarketFactory()

    response = staff_client.delete(detail(market))

    assert (response.status_code, response.content) == (204, b"")
    assert not PropMarket.objects.exists()


def test_creating_in_a_locked_snapshot_is_409_naming_it(staff_client):
    snapshot = lock_snapshot(snapshot=SnapshotFactory(snapshot_id="nfl-week-5-final"))

    response = staff_client.post(URL, new_market(snapshot=snapshot.snapshot_id), format="json")

    assert response.status_code == 409
    assert "nfl-week-5-final" in response.json()["detail"]
    assert not PropMarket.objects.exists()


def test_changing_a_locked_snapshots_market_is_409_and_changes_nothing(staff_client):
    snapshot = SnapshotFactory(snapshot_id="nfl-week-5-final")
    market = PropMarketFactory(snapshot=snapshot, line=275.5)
    lock_snapshot(snapshot=snapshot)

    patched = staff_client.patch(detail(market), {"line": 300.5}, format="json")
    deleted = staff_client.delete(detail(market))

    assert patched.status_code == deleted.status_code == 409
    assert "nfl-week-5-final" in patched.json()["detail"]
    market.refresh_from_db()
    assert market.line == 275.5


def test_moving_a_market_into_a_locked_snapshot_is_409(staff_client):
    locked = lock_snapshot(snapshot=SnapshotFactory(snapshot_id="locked-board"))
    market = PropMarketFactory()

    response = staff_client.patch(detail(market), {"snapshot": "locked-board"}, format="json")

    assert response.status_code == 409
    market.refresh_from_db()
    assert market.snapshot_id is None
    assert locked.prop_markets.count() == 0


def walk(client, url):
    """Every row of every page, following `next` links."""
    seen = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        seen.extend(response.json()["results"])
        url = response.json()["next"]
    return seen


@pytest.mark.parametrize("ordering", ["player_name", "-player_name", "line", "-line"])
def test_cursor_pages_visit_every_row_once_in_order(user_client, ordering):
    for index in range(7):
        PropMarketFactory(line=[5.5, 1.5, 5.5, 3.5, 5.5, 2.5, 1.5][index])

    rows = walk(user_client, f"{URL}?page_size=2&ordering={ordering}")

    field = ordering.lstrip("-")
    expected = sorted(
        PropMarket.objects.values("id", field), key=lambda row: (row[field], str(row["id"]))
    )
    if ordering.startswith("-"):
        expected.reverse()
    assert [row["id"] for row in rows] == [str(row["id"]) for row in expected]


@pytest.mark.parametrize("ordering", ["game_date", "-game_date"])
def test_cursor_pages_include_markets_without_a_game_date(user_client, ordering):
    dated = [PropMarketFactory() for _ in range(3)]
    undated = [PropMarketFactory(game_date=None) for _ in range(3)]

    rows = walk(user_client, f"{URL}?page_size=2&ordering={ordering}")

    assert sorted(row["id"] for row in rows) == sorted(str(m.pk) for m in dated + undated)
    dates = [row["game_date"] for row in rows]
    nulls_first = ordering.startswith("-")
    assert dates[:3] == [None] * 3 if nulls_first else dates[3:] == [None] * 3


def test_previous_link_goes_back_to_the_same_rows(user_client):
    for _ in range(5):
        PropMarketFactory()
    first = user_client.get(f"{URL}?page_size=2").json()
    second = user_client.get(first["next"]).json()

    back = user_client.get(second["previous"]).json()

    assert back["results"] == first["results"]
    assert back["previous"] is None


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("cursor=garbage", "cursor"),
        ("ordering=odds", "ordering"),
        ("ordering=id;drop", "ordering"),
        ("page_size=0", "page_size"),
        ("page_size=abc", "page_size"),
        ("page_size=%C2%B2", "page_size"),
        ("page_size=" + "9" * 5000, "page_size"),
    ],
)
def test_invalid_paging_is_400(user_client, query, field):
    response = user_client.get(f"{URL}?{query}")

    assert response.status_code == 400
    assert field in response.json()


def test_cursor_of_another_ordering_is_400(user_client):
    for _ in range(3):
        PropMarketFactory()
    next_url = user_client.get(f"{URL}?page_size=1&ordering=line").json()["next"]

    response = user_client.get(next_url.replace("ordering=line", "ordering=-line"))

    assert response.status_code == 400
    assert "cursor" in response.json()


def test_page_size_is_capped(user_client, settings):
    settings.API_MAX_PAGE_SIZE = 3
    for _ in range(5):
        PropMarketFactory()

    assert len(user_client.get(f"{URL}?page_size=100").json()["results"]) == 3


@pytest.mark.parametrize("page_size", [1, 25])
def test_list_runs_one_query_whatever_the_page_size(
    user_client, django_assert_num_queries, page_size
):
    snapshot = SnapshotFactory()
    for index in range(30):
        PropMarketFactory(snapshot=snapshot if index % 2 else None)

    with django_assert_num_queries(1):
        response = user_client.get(f"{URL}?page_size={page_size}&league=NFL&week=5")

    assert len(response.json()["results"]) == page_size


def test_next_page_runs_one_query(user_client, django_assert_num_queries):
    for _ in range(5):
        PropMarketFactory()
    next_url = user_client.get(f"{URL}?page_size=2").json()["next"]

    with django_assert_num_queries(1):
        assert user_client.get(next_url).status_code == 200


def test_detail_runs_one_query(user_client, django_assert_num_queries):
    market = PropMarketFactory(snapshot=SnapshotFactory())

    with django_assert_num_queries(1):
        assert user_client.get(detail(market)).status_code == 200
