"""Editing prop markets in the admin: every write goes through the rules (odds, JSON, services),
records history with who, and invalidates the board cache."""

import pytest
from django.urls import reverse

from props.cache import boards_version
from props.models import PropMarket
from tests.factories import PropMarketFactory, SnapshotFactory

from .conftest import changelist_url, messages_of, post_action, post_rows

pytestmark = pytest.mark.django_db


def change_url(market):
    return reverse("admin:props_propmarket_change", args=[market.pk])


def form_data(market, **changes):
    data = {
        "league": market.league,
        "week": market.week,
        "season": market.season or "",
        "sport": market.sport,
        "platform": market.platform,
        "player_name": market.player_name,
        "market_type": market.market_type,
        "line": market.line,
        "odds": market.odds if market.odds is not None else "",
        "is_active": "on" if market.is_active else "",
        "external_id": market.external_id or "",
        "extra_metadata": "{}",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def test_list_editable_saves_line_odds_and_active_with_history_of_who(staff_client, staff_user):
    market = PropMarketFactory(line=20.5, odds=1.9, is_active=True)
    response = post_rows(staff_client, [(market, {"line": 21.5, "odds": -110, "is_active": False})])
    assert response.status_code == 302
    market.refresh_from_db()
    assert (market.line, market.odds, market.is_active) == (21.5, 1.9091, False)
    latest = market.history.latest()
    assert (latest.line, latest.history_user) == (21.5, staff_user)


def test_list_editable_rejects_odds_between_minus_100_and_1(staff_client):
    market = PropMarketFactory(odds=1.9)
    response = post_rows(staff_client, [(market, {"odds": 0.5})])
    assert response.status_code == 200
    assert "is not valid odds" in response.content.decode()
    market.refresh_from_db()
    assert market.odds == 1.9


def test_an_admin_edit_invalidates_the_board_cache(
    staff_client, django_capture_on_commit_callbacks
):
    market = PropMarketFactory(league="NFL", week=5)
    before = boards_version("NFL", 5)
    with django_capture_on_commit_callbacks(execute=True):
        post_rows(staff_client, [(market, {"line": 300.5})])
    assert boards_version("NFL", 5) != before


def test_positive_american_odds_are_given_as_american_odds(staff_client):
    market = PropMarketFactory(odds=None)
    response = staff_client.post(change_url(market), form_data(market, american_odds=150))
    assert response.status_code == 302
    market.refresh_from_db()
    assert market.odds == 2.5


def test_odds_of_minus_110_are_stored_as_decimal(staff_client):
    market = PropMarketFactory(odds=None)
    staff_client.post(change_url(market), form_data(market, odds=-110))
    market.refresh_from_db()
    assert market.odds == 1.9091


def test_extra_metadata_must_be_a_json_object(staff_client):
    market = PropMarketFactory()
    response = staff_client.post(change_url(market), form_data(market, extra_metadata="[1, 2]"))
    assert response.status_code == 200
    assert "Must be a JSON object." in response.content.decode()


def test_json_is_shown_indented(staff_client):
    market = PropMarketFactory(extra_metadata={"source": "feed", "under_odds": 1.8})
    page = staff_client.get(change_url(market)).content.decode()
    assert "{\n  &quot;source&quot;: &quot;feed&quot;," in page


def test_adding_a_market_goes_through_the_service_with_history(staff_client, staff_user):
    template = PropMarketFactory.build(player_name="Added Player", external_id="added-1")
    response = staff_client.post(reverse("admin:props_propmarket_add"), form_data(template))
    assert response.status_code == 302
    added = PropMarket.objects.get(external_id="added-1")
    assert added.history.get().history_user == staff_user


def test_deleting_a_market_records_who(staff_client, staff_user):
    market = PropMarketFactory()
    url = reverse("admin:props_propmarket_delete", args=[market.pk])
    assert staff_client.post(url, {"post": "yes"}).status_code == 302
    assert not PropMarket.objects.filter(pk=market.pk).exists()
    gone = PropMarket.history.filter(id=market.pk, history_type="-").get()
    assert gone.history_user == staff_user


@pytest.mark.parametrize("action,active", [("deactivate", False), ("activate", True)])
def test_bulk_activation_changes_and_records_every_selected_market(
    staff_client, staff_user, action, active
):
    markets = PropMarketFactory.create_batch(3, is_active=not active)
    response = post_action(staff_client, "propmarket", action, markets)
    assert f"3 prop market(s) {action}d." in messages_of(response)
    for market in markets:
        market.refresh_from_db()
        latest = market.history.latest()
        assert market.is_active is active
        assert (latest.is_active, latest.history_user, latest.history_type) == (
            active,
            staff_user,
            "~",
        )
        assert latest.history_change_reason == f"{action}d in admin"


def test_bulk_activation_leaves_markets_already_in_that_state_alone(staff_client):
    market = PropMarketFactory(is_active=False)
    post_action(staff_client, "propmarket", "deactivate", [market])
    assert market.history.count() == 1  # only its creation


def test_bulk_action_across_all_pages_applies_to_the_filtered_list(staff_client):
    nfl = PropMarketFactory.create_batch(2, league="NFL", is_active=True)
    nba = PropMarketFactory(league="NBA", is_active=True)
    response = staff_client.post(
        changelist_url("propmarket") + "?league__exact=NFL",
        {"action": "deactivate", "_selected_action": [str(nfl[0].pk)], "select_across": "1"},
    )
    assert "2 prop market(s) deactivated." in messages_of(response)
    nba.refresh_from_db()
    assert nba.is_active


def test_moving_markets_into_a_snapshot_asks_where_then_moves_them(staff_client, staff_user):
    markets = PropMarketFactory.create_batch(2)
    target = SnapshotFactory(snapshot_id="nfl-week-5-working")
    page = post_action(staff_client, "propmarket", "move_to_snapshot", markets)
    assert "Move 2 selected prop markets to" in page.content.decode()
    response = post_action(
        staff_client, "propmarket", "move_to_snapshot", markets, apply="Move", snapshot=target.pk
    )
    assert "2 prop market(s) moved to nfl-week-5-working." in messages_of(response)
    assert PropMarket.objects.filter(snapshot=target).count() == 2
    assert markets[0].history.latest().history_change_reason == "live board → nfl-week-5-working"


def test_moving_a_market_where_its_natural_key_exists_moves_nothing(staff_client):
    target = SnapshotFactory()
    PropMarketFactory(snapshot=target, platform="prizepicks", external_id="same-id")
    live = PropMarketFactory(platform="prizepicks", external_id="same-id")
    other = PropMarketFactory()
    response = post_action(
        staff_client,
        "propmarket",
        "move_to_snapshot",
        [live, other],
        apply="Move",
        snapshot=target.pk,
    )
    assert any("already in the target" in message for message in messages_of(response))
    assert PropMarket.objects.filter(snapshot=target).count() == 1


def test_delete_selected_asks_then_deletes_with_history(staff_client, staff_user):
    markets = PropMarketFactory.create_batch(3)
    page = post_action(staff_client, "propmarket", "delete_selected", markets)
    assert "Are you sure" in page.content.decode()
    response = post_action(staff_client, "propmarket", "delete_selected", markets, post="yes")
    assert response.status_code == 302
    assert not PropMarket.objects.filter(pk__in=[m.pk for m in markets]).exists()
    assert PropMarket.history.filter(history_type="-", history_user=staff_user).count() == 3


def test_history_page_shows_the_line_change_and_who(staff_client, staff_user):
    market = PropMarketFactory(line=20.5)
    post_rows(staff_client, [(market, {"line": 22.5})])
    page = staff_client.get(reverse("admin:props_propmarket_history", args=[market.pk]))
    text = page.content.decode()
    assert "20.5" in text and "22.5" in text
    assert staff_user.email in text


def test_reverting_a_market_to_an_old_version_restores_its_line(staff_client):
    market = PropMarketFactory(line=20.5)
    post_rows(staff_client, [(market, {"line": 22.5})])
    first = market.history.earliest()
    url = reverse("admin:props_propmarket_simple_history", args=[market.pk, first.history_id])
    response = staff_client.post(url, form_data(first.instance))
    assert response.status_code == 302
    market.refresh_from_db()
    assert market.line == 20.5


def test_an_invalid_week_filter_is_ignored_with_a_warning(staff_client):
    PropMarketFactory()
    response = staff_client.get(changelist_url("propmarket") + "?week=five")
    assert response.status_code == 200
    assert "Week must be a whole number; not filtered." in messages_of(response)


def test_filters_search_and_board_narrow_the_list(staff_client):
    snapshot = SnapshotFactory(snapshot_id="nba-week-3")
    wanted = PropMarketFactory(league="NBA", week=3, player_name="Jayson Tatum", team="BOS")
    PropMarketFactory(league="NBA", week=4, player_name="Jaylen Brown", team="BOS")
    PropMarketFactory(league="NBA", week=3, player_name="Jayson Tatum", snapshot=snapshot)
    cases = {
        "?league__exact=NBA&week=3&board=live": [wanted],
        "?q=jayson+TATUM&board=live": [wanted],
        "?q=bos&week=3&board=live": [wanted],
    }
    for query, expected in cases.items():
        response = staff_client.get(changelist_url("propmarket") + query)
        assert list(response.context["cl"].result_list) == expected, query
    in_snapshot = staff_client.get(changelist_url("propmarket") + "?q=nba-week-3")
    assert [m.snapshot_id for m in in_snapshot.context["cl"].result_list] == [snapshot.pk]


def test_the_market_changes_list_shows_bulk_changes_with_who_and_why(staff_client, staff_user):
    market, _ = PropMarketFactory.create_batch(2, is_active=True)
    post_action(staff_client, "propmarket", "deactivate", [market])
    url = reverse("admin:props_historicalpropmarket_changelist")
    response = staff_client.get(url + f"?q={market.pk}&changed_by={staff_user.pk}")
    versions = list(response.context["cl"].result_list)
    assert [(v.id, v.history_change_reason) for v in versions] == [
        (market.pk, "deactivated in admin")
    ]
    assert "Changed" in response.content.decode()


def test_the_market_changes_list_is_read_only(staff_client):
    market = PropMarketFactory()
    version = market.history.get()
    url = reverse("admin:props_historicalpropmarket_change", args=[version.history_id])
    response = staff_client.post(url, {"line": 1})
    assert response.status_code == 403


def test_the_list_opens_on_the_live_board_shown_as_a_removable_filter(staff_client):
    live = PropMarketFactory(player_name="Josh Allen")
    copy = PropMarketFactory(player_name="Josh Allen", snapshot=SnapshotFactory())
    response = staff_client.get(changelist_url("propmarket"))
    assert list(response.context["cl"].result_list) == [live]
    content = response.content.decode()
    assert "Showing the <strong>live board</strong> only" in content
    assert 'href="?board=all"' in content
    everything = staff_client.get(changelist_url("propmarket") + "?board=all")
    assert {m.pk for m in everything.context["cl"].result_list} == {live.pk, copy.pk}
    assert 'id="live-board-notice"' not in everything.content.decode()


def test_asking_for_a_snapshot_shows_it_without_removing_the_default_first(staff_client):
    snapshot = SnapshotFactory(snapshot_id="nfl-week-5")
    copy = PropMarketFactory(snapshot=snapshot)
    PropMarketFactory()
    by_filter = staff_client.get(
        changelist_url("propmarket") + f"?snapshot__id__exact={snapshot.pk}"
    )
    by_slug = staff_client.get(changelist_url("propmarket") + "?q=nfl-week-5")
    assert list(by_filter.context["cl"].result_list) == [copy]
    assert list(by_slug.context["cl"].result_list) == [copy]


@pytest.mark.parametrize(
    "term", ["mahom", "MAHOMES", "Patrick", "homes", "patrick mahomes", "KC", "kc-week-5"]
)
def test_search_finds_part_of_a_name_a_team_or_a_snapshot(staff_client, term):
    snapshot = SnapshotFactory(snapshot_id="kc-week-5")
    PropMarketFactory(player_name="Patrick Mahomes", team="KC", snapshot=snapshot)
    PropMarketFactory(player_name="Josh Allen", team="BUF")
    response = staff_client.get(changelist_url("propmarket") + f"?q={term}&board=all")
    names = [m.player_name for m in response.context["cl"].result_list]
    assert names == ["Patrick Mahomes"], term


def test_search_ignores_accents(staff_client):
    PropMarketFactory(player_name="Kénneth Gáinwell")
    response = staff_client.get(changelist_url("propmarket") + "?q=kenneth+GAINW")
    assert [m.player_name for m in response.context["cl"].result_list] == ["Kénneth Gáinwell"]


def test_a_search_under_three_characters_says_how_it_was_read(staff_client):
    PropMarketFactory(player_name="Josh Allen")
    response = staff_client.get(changelist_url("propmarket") + "?q=jo")
    assert list(response.context["cl"].result_list) == []
    assert any("from 3 characters" in message for message in messages_of(response))


def test_market_types_show_as_labels_with_the_code_on_hover(staff_client):
    PropMarketFactory(market_type="passing_yards")
    content = staff_client.get(changelist_url("propmarket")).content.decode()
    assert '<span title="passing_yards">Passing yards</span>' in content


def test_locked_rows_show_the_lock_and_why(staff_client, staff_user):
    from props.services import lock_snapshot

    snapshot = SnapshotFactory(snapshot_id="nfl-week-5-final")
    PropMarketFactory(snapshot=snapshot)
    lock_snapshot(snapshot=snapshot, user=staff_user)
    content = staff_client.get(changelist_url("propmarket") + "?board=all").content.decode()
    assert ">nfl-week-5-final</span>" in content
    assert 'class="locked-board" title="Snapshot &#x27;nfl-week-5-final&#x27; is locked' in content


def test_the_site_is_named_betterbros_props(staff_client):
    content = staff_client.get(reverse("admin:index")).content.decode()
    assert "<title>Back office | BetterBros Props</title>" in content
    assert "BetterBros Props</a>" in content


def test_the_save_message_names_the_markets_that_changed(staff_client):
    market = PropMarketFactory(
        player_name="Patrick Mahomes", market_type="passing_yards", line=270.5
    )
    response = post_rows(staff_client, [(market, {"line": 275.5})])
    assert messages_of(response) == [
        "Patrick Mahomes — Passing yards 275.5 changed (line 270.5 → 275.5)."
    ]
