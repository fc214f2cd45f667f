"""`GET /api/v1/prop-markets/{id}/history/`: every write path leaves a point (line, odds, active
state) saying what wrote it, oldest first, in keyset pages; read like the market itself."""

import json
from pathlib import Path

import pytest

from props import services
from props.importers import run_import
from props.models import PropMarket, Snapshot
from props.services.bulk import MarketEdit, delete_markets, edit_markets, move_markets
from props.services.snapshots import capture_snapshot
from tests.admin.conftest import post_rows
from tests.factories import PropMarketFactory, SnapshotFactory, UserFactory

pytestmark = pytest.mark.django_db

SHARED_PRIZEPICKS = Path(__file__).resolve().parents[2].parent / "shared/data/prizepicks"
NBA_CAPTURE = SHARED_PRIZEPICKS / "2024-03-19-nba.json"


def history_url(market):
    return f"/api/v1/prop-markets/{market.pk if hasattr(market, 'pk') else market}/history/"


def points(client, market, query=""):
    response = client.get(history_url(market) + query)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_api_create_update_delete_each_leave_a_point(staff_client, staff_user):
    created = staff_client.post(
        "/api/v1/prop-markets/",
        {
            "week": 5,
            "league": "NFL",
            "player_name": "Josh Allen",
            "market_type": "passing_yards",
            "line": 250.5,
            "odds": 1.9091,
            "platform": "prizepicks",
        },
        format="json",
    )
    market_id = created.json()["id"]
    staff_client.patch(
        f"/api/v1/prop-markets/{market_id}/", {"line": 251.5, "odds": 2.0}, format="json"
    )
    staff_client.patch(f"/api/v1/prop-markets/{market_id}/", {"is_active": False}, format="json")

    history = points(staff_client, market_id)
    assert [(p["change_type"], p["line"], p["odds"], p["is_active"]) for p in history] == [
        ("created", 250.5, 1.9091, True),
        ("changed", 251.5, 2.0, True),
        ("changed", 251.5, 2.0, False),
    ]
    assert {(p["kind"], p["changed_by"]) for p in history} == {("edit", staff_user.email)}
    # The history of a deleted market is no longer readable, like the market.
    assert staff_client.delete(f"/api/v1/prop-markets/{market_id}/").status_code == 204
    assert staff_client.get(history_url(market_id)).status_code == 404
    deletion = PropMarket.history.filter(id=market_id, history_type="-").get()
    assert deletion.history_user_id == staff_user.pk


def test_admin_row_edit_leaves_a_point_by_the_staff_member(client, staff_user, staff_client):
    market = PropMarketFactory(line=20.5, odds=1.9091)
    client.force_login(staff_user)
    post_rows(client, [(market, {"line": 22.5})])

    last = points(staff_client, market)[-1]
    assert (last["line"], last["kind"], last["changed_by"]) == (22.5, "edit", staff_user.email)


def test_bulk_edits_name_the_action_and_the_reason(staff_client, staff_user):
    market = PropMarketFactory(line=20.5)
    selection = PropMarket.objects.filter(pk=market.pk)
    edit_markets(
        queryset=selection,
        edit=MarketEdit("line", 0.5, shift=True),
        user=staff_user,
        reason="injury news",
    )
    edit_markets(queryset=selection, edit=MarketEdit("odds", "-120"), user=staff_user)

    shifted, priced = points(staff_client, market)[1:]
    assert (shifted["line"], shifted["kind"], shifted["action"], shifted["reason"]) == (
        21.0,
        "bulk",
        "line shifted by +0.5 in admin",
        "injury news",
    )
    assert priced["odds"] == pytest.approx(1.8333, abs=1e-4)
    assert (priced["action"], priced["reason"]) == ("odds set to 1.8333 in admin", None)


def test_moves_between_boards_and_bulk_deletion_are_recorded(staff_user):
    market = PropMarketFactory()
    snapshot = SnapshotFactory(snapshot_id="nfl-week-5-board")
    move_markets(
        queryset=PropMarket.objects.filter(pk=market.pk),
        snapshot=snapshot,
        user=staff_user,
        reason="kept for the backtest",
    )
    delete_markets(queryset=PropMarket.objects.filter(pk=market.pk), user=staff_user)

    from props.movement import history_page

    history = history_page(market.pk)
    assert [(p["kind"], p["action"], p["reason"]) for p in history] == [
        ("edit", None, None),
        ("move", "live board → nfl-week-5-board", "kept for the backtest"),
        ("bulk", "deleted in admin", None),
    ]
    assert history[-1]["change_type"] == "deleted"


def test_a_capture_gives_each_copy_a_created_point(staff_client, staff_user):
    PropMarketFactory(league="NFL", week=5, line=30.5)
    capture_snapshot(slug="captured", league="NFL", week=5, user=staff_user)
    copy = PropMarket.objects.get(snapshot=Snapshot.objects.get(snapshot_id="captured"))

    (point,) = points(staff_client, copy)
    assert (point["change_type"], point["kind"], point["line"]) == ("created", "capture", 30.5)


@pytest.mark.skipif(not NBA_CAPTURE.is_file(), reason="../shared/data is absent")
def test_imports_name_their_file_for_changes_and_deactivations(tmp_path, staff_client):
    run_import(NBA_CAPTURE)
    feed = json.loads(NBA_CAPTURE.read_text())
    moved_id, dropped_id = feed["data"][0]["id"], feed["data"][1]["id"]
    old_line = feed["data"][0]["attributes"]["line_score"]
    feed["data"][0]["attributes"]["line_score"] = old_line + 1.5
    del feed["data"][1]
    later = tmp_path / "prizepicks-nba-later.json"
    later.write_text(json.dumps(feed))
    run_import(later, deactivate_missing=True)

    moved = PropMarket.objects.get(platform="prizepicks", external_id=moved_id)
    first, second = points(staff_client, moved)
    assert (first["kind"], first["import_source"], first["line"]) == (
        "import",
        NBA_CAPTURE.name,
        old_line,
    )
    assert (second["kind"], second["import_source"], second["line"]) == (
        "import",
        later.name,
        old_line + 1.5,
    )
    dropped = PropMarket.objects.get(platform="prizepicks", external_id=dropped_id)
    last = points(staff_client, dropped)[-1]
    assert (last["is_active"], last["kind"], last["import_source"]) == (False, "import", later.name)


def test_the_seeds_clean_up_records_deletions():
    market = PropMarketFactory()
    services.delete_props_created_before(cutoff=market.created_at.replace(year=3000))
    assert PropMarket.history.filter(id=market.pk, history_type="-").exists()


def test_pages_are_keyset_and_oldest_first(staff_client, staff_user):
    market = PropMarketFactory(line=10.0)
    for step in range(1, 5):
        services.update_market(market=market, user=staff_user, line=10.0 + step)

    first = staff_client.get(history_url(market) + "?page_size=2").json()
    second = staff_client.get(first["next"]).json()
    third = staff_client.get(second["next"]).json()
    lines = [p["line"] for page in (first, second, third) for p in page["results"]]
    assert lines == [10.0, 11.0, 12.0, 13.0, 14.0]
    assert third["next"] is None
    assert staff_client.get(history_url(market) + "?cursor=forged").status_code == 400


def test_users_read_it_without_staff_names_and_anonymous_cannot(client_for, staff_user):
    market = PropMarketFactory()
    services.update_market(market=market, user=staff_user, line=1.5)
    reader = client_for(UserFactory())

    assert {p["changed_by"] for p in points(reader, market)} == {None}
    assert client_for(None).get(history_url(market)).status_code == 401
    assert reader.post(history_url(market)).status_code == 403
    unknown = "00000000-0000-0000-0000-000000000000"
    assert reader.get(history_url(unknown)).status_code == 404
