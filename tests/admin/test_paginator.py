"""The changelist paginator counts small results exactly and estimates big ones without
COUNTing the table, and every row stays reachable: past the exact count, pages follow the sort
keys (keyset), from any sort, to the real last page (the limit is lowered here so that a few
rows are "big")."""

import re
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.urls import reverse

from betterbros import admin_paging as paginator
from tests.factories import PropMarketFactory

from .conftest import messages_of

pytestmark = pytest.mark.django_db

MARKETS = reverse("admin:props_propmarket_changelist")


@pytest.fixture
def small_limit(monkeypatch):
    monkeypatch.setattr(paginator, "EXACT_COUNT_LIMIT", 5)


@pytest.fixture
def twelve_markets():
    PropMarketFactory.create_batch(8, league="NFL")
    PropMarketFactory.create_batch(4, league="NBA")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE prop_markets")


def changelist(client, query=""):
    return client.get(MARKETS + query).context["cl"]


def test_the_unfiltered_table_size_comes_from_the_statistics(
    staff_client, small_limit, twelve_markets
):
    cl = changelist(staff_client)
    assert cl.paginator.is_estimate
    assert cl.result_count == 12


def test_a_big_filtered_result_is_the_planners_estimate(staff_client, small_limit, twelve_markets):
    cl = changelist(staff_client, "?league__exact=NFL")
    assert cl.paginator.is_estimate
    assert cl.result_count >= 6  # at least the rows it counted before giving up


def test_a_small_filtered_result_is_counted_exactly(staff_client, small_limit, twelve_markets):
    cl = changelist(staff_client, "?league__exact=NBA")
    assert not cl.paginator.is_estimate
    assert cl.result_count == 4


def test_below_the_limit_the_unfiltered_table_is_counted_exactly(staff_client, twelve_markets):
    cl = changelist(staff_client)
    assert not cl.paginator.is_estimate
    assert cl.result_count == 12


# --- every row reachable: keyset pages past the exact count -----------------------------------


def walk(client, url, link="next_url"):
    """Every row of a list followed page by page through its Next (or Previous) links."""
    seen, pages = [], 0
    while url:
        cl = client.get(url).context["cl"]
        seen.extend(cl.result_list)
        url = getattr(cl, link) and MARKETS + getattr(cl, link)
        pages += 1
        assert pages < 50, "paging does not end"
    return seen


@pytest.fixture
def sixty_markets():
    """60 live NFL markets with repeated names, some without a game date, and 5 NBA ones."""
    markets = [
        PropMarketFactory(
            league="NFL",
            player_name=f"Player {i % 7}",
            game_date=None if i % 4 == 0 else datetime(2024, 9, 1 + i % 9, tzinfo=UTC),
        )
        for i in range(60)
    ]
    PropMarketFactory.create_batch(5, league="NBA")
    return markets


@pytest.mark.parametrize(
    "ordering", ["", "&o=1", "&o=-1", "&o=3", "&o=-3.1", "&o=11", "&o=-11", "&o=6.-1"]
)
def test_next_links_reach_every_filtered_row_exactly_once_in_any_sort(
    staff_client, small_limit, sixty_markets, ordering
):
    url = MARKETS + "?league__exact=NFL&board=live&n=25" + ordering
    first = changelist(staff_client, url.removeprefix(MARKETS))
    assert first.keyset and first.paginator.is_estimate
    forward = walk(staff_client, url)
    assert sorted(m.pk for m in forward) == sorted(m.pk for m in sixty_markets)
    assert len(forward) == len({m.pk for m in forward})
    # Read backwards from the last page through Previous: the same rows, none twice.
    last = changelist(staff_client, url.removeprefix(MARKETS) + "&last=1")
    assert last.next_url is None
    backward = walk(staff_client, url + "&last=1", "previous_url")
    assert sorted(m.pk for m in backward) == sorted(m.pk for m in forward)
    assert len(backward) == len(forward)


def test_the_last_page_is_really_the_last_rows(staff_client, small_limit, sixty_markets):
    cl = changelist(staff_client, "?league__exact=NFL&board=live&n=25&o=1")
    everything = walk(staff_client, MARKETS + "?league__exact=NFL&board=live&n=25&o=1")
    last = changelist(staff_client, "?league__exact=NFL&board=live&n=25&o=1&last=1")
    assert cl.keyset
    assert list(last.result_list) == everything[-25:]
    assert last.previous_url and last.next_url is None


def test_a_cursor_past_the_end_shows_the_last_page_with_a_message_and_keeps_the_filters(
    staff_client, small_limit, sixty_markets
):
    last = changelist(staff_client, "?league__exact=NFL&board=live&n=25&last=1")
    past = PropMarketFactory.build(player_name="Zzz")
    cursor = paginator.encode_cursor(
        [past.player_name, "zzz", "zzz", "ffffffff-ffff-ffff-ffff-ffffffffffff"]
    )
    response = staff_client.get(MARKETS + f"?league__exact=NFL&board=live&n=25&after={cursor}")
    assert response.status_code == 200
    assert "There are no rows past that page: showing the last page." in messages_of(response)
    assert list(response.context["cl"].result_list) == list(last.result_list)
    assert all(m.league == "NFL" for m in response.context["cl"].result_list)


def test_a_page_number_too_deep_to_number_shows_the_last_page_and_keeps_the_filters(
    staff_client, small_limit, sixty_markets
):
    last = changelist(staff_client, "?league__exact=NFL&board=live&n=25&last=1")
    response = staff_client.get(MARKETS + "?league__exact=NFL&board=live&n=25&p=999999")
    assert response.status_code == 200
    assert (
        "Page 999999 is too deep to number in a list this big: showing the last page; use "
        "Previous, Next and First from there." in messages_of(response)
    )
    cl = response.context["cl"]
    assert list(cl.result_list) == list(last.result_list)
    assert cl.previous_url and cl.next_url is None


def test_a_tampered_cursor_shows_the_first_page(staff_client, small_limit, sixty_markets):
    response = staff_client.get(MARKETS + "?league__exact=NFL&n=25&after=not-a-cursor")
    assert response.status_code == 200
    assert "That page link is not valid: showing the first page." in messages_of(response)


def test_an_estimate_is_labelled_about_or_more_than(staff_client, small_limit, sixty_markets):
    content = staff_client.get(MARKETS + "?league__exact=NFL&board=live").content.decode()
    assert re.search(r"(about|more than) [\d,]+</span>\s*prop markets", content)


def test_a_numbered_page_past_the_end_shows_the_last_page_and_keeps_the_filters(staff_client):
    PropMarketFactory.create_batch(30, league="NFL")
    PropMarketFactory.create_batch(3, league="NBA")
    response = staff_client.get(MARKETS + "?league__exact=NFL&n=25&p=170")
    assert response.status_code == 200  # not a redirect to ?e=1
    cl = response.context["cl"]
    assert not cl.paginator.is_estimate and cl.result_count == 30
    assert len(cl.result_list) == 5 and all(m.league == "NFL" for m in cl.result_list)
    assert "There is no page 170 of this list: showing page 2 of 2." in messages_of(response)
    assert ">30</span>" in response.content.decode()  # exact, not "about"


def test_the_page_size_is_chosen_and_kept_in_filter_and_sort_links(staff_client):
    PropMarketFactory.create_batch(30, league="NFL")
    response = staff_client.get(MARKETS + "?n=25")
    cl = response.context["cl"]
    assert len(cl.result_list) == 25 and cl.list_per_page == 25
    assert cl.get_query_string({"league__exact": "NBA"}) == "?league__exact=NBA&n=25"
    content = response.content.decode()
    assert 'href="?n=500"' in content  # the choices, 25 to 500
    assert staff_client.get(MARKETS + "?n=7").context["cl"].list_per_page == 100  # not offered


def test_every_changelist_pages_past_the_estimate(staff_client, small_limit, staff_user):
    """Snapshots, history, users, experiments, slips: the same keyset paging."""
    from tests.factories import ExperimentFactory, SavedSlipFactory, SnapshotFactory, UserFactory

    SnapshotFactory.create_batch(30)
    UserFactory.create_batch(30)
    ExperimentFactory.create_batch(30, user=staff_user)
    SavedSlipFactory.create_batch(30, user=staff_user)
    PropMarketFactory.create_batch(30)
    for name in [
        "props_snapshot",
        "props_experiment",
        "props_savedslip",
        "accounts_user",
        "props_historicalpropmarket",
    ]:
        url = reverse(f"admin:{name}_changelist") + "?n=25"
        seen, pages = set(), 0
        while url:
            cl = staff_client.get(url).context["cl"]
            assert cl.keyset, name
            seen.update(obj.pk for obj in cl.result_list)
            url = cl.next_url and reverse(f"admin:{name}_changelist") + cl.next_url
            pages += 1
        assert len(seen) == cl.queryset.count() and pages == 2, name


def test_keyset_pages_keep_microseconds_of_a_time_sort(staff_client, small_limit):
    """Rows created within one millisecond, sorted by time: a cursor that rounded the last
    row's time to milliseconds (as DjangoJSONEncoder does) would skip the rows in between."""
    from datetime import timedelta

    from props.models import Snapshot
    from tests.factories import SnapshotFactory

    snapshots = SnapshotFactory.create_batch(30)
    base = datetime(2026, 11, 1, 12, 0, 0, 123000, tzinfo=UTC)
    for step, snapshot in enumerate(snapshots):
        Snapshot.objects.filter(pk=snapshot.pk).update(
            created_at=base + timedelta(microseconds=step * 30)
        )
    url = reverse("admin:props_snapshot_changelist") + "?n=25"
    seen, pages = [], 0
    while url:
        cl = staff_client.get(url).context["cl"]
        assert cl.keyset
        seen.extend(obj.pk for obj in cl.result_list)
        url = cl.next_url and reverse("admin:props_snapshot_changelist") + cl.next_url
        pages += 1
    assert pages == 2
    assert sorted(seen, key=str) == sorted((s.pk for s in snapshots), key=str)


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("o=3", ("line", "pk")),
        ("o=-3", ("-line", "-pk")),
        ("o=1", ("player_name", "pk")),
        ("o=3.1.2", ("line", "pk")),
    ],
)
def test_a_sorted_list_sorts_by_its_column_then_the_key_so_one_index_serves_it(
    staff_client, ordering, expected
):
    """`prop_markets_line_id_idx` is (line, id): Django's `line, player_name, …, -pk` could
    not use it and sorted every live market for each page (650 ms at a million)."""
    PropMarketFactory.create_batch(3)
    cl = changelist(staff_client, f"?{ordering}")
    assert tuple(cl.queryset.query.order_by) == expected
