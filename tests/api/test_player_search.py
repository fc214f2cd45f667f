"""Player-name search by any part of a name (3+ characters), any case, accents ignored: the
admin's search box, the API filter `player_search` and `export_props --player-search` share
`props.search`, answered by the trigram index of migration 0007."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from props.models import PropMarket
from props.search import filter_player_name
from tests.factories import PropMarketFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/prop-markets/"
NAMES = ["Patrick Mahomes", "Rashee Rice", "Kénneth Gáinwell", "Gibson Antonio", "Aaron Jones"]


@pytest.fixture
def players():
    return {name: PropMarketFactory(player_name=name) for name in NAMES}


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("mahom", ["Patrick Mahomes"]),  # a prefix of the last name, lower case
        ("MAHOMES", ["Patrick Mahomes"]),
        ("homes", ["Patrick Mahomes"]),  # any substring
        ("gibson", ["Gibson Antonio"]),
        ("kenneth gainwell", ["Kénneth Gáinwell"]),  # accents ignored in the name …
        ("GÁINW", ["Kénneth Gáinwell"]),  # … and in the term
        ("ron jo", ["Aaron Jones"]),
        ("rice", ["Rashee Rice"]),
        ("100%", []),  # LIKE wildcards are text
        ("a_r", []),
    ],
)
def test_any_part_of_a_name_in_any_case_without_accents(players, term, expected):
    found = filter_player_name(PropMarket.objects.all(), term)
    assert sorted(m.player_name for m in found) == expected


def test_the_api_filters_by_player_search(client, user, players):
    client.force_login(user)
    response = client.get(URL, {"player_search": "mahom"})
    assert response.status_code == 200
    assert [row["player_name"] for row in response.json()["results"]] == ["Patrick Mahomes"]


def test_the_api_refuses_a_player_search_under_three_characters(client, user, players):
    client.force_login(user)
    response = client.get(URL, {"player_search": "ma"})
    assert response.status_code == 400
    assert "player_search" in str(response.json())


def test_export_props_has_the_player_search_option(players, tmp_path):
    out = tmp_path / "mahomes.csv"
    call_command("export_props", "--player-search", "MAHOM", "-o", str(out))
    rows = out.read_text().splitlines()
    assert len(rows) == 2 and "Patrick Mahomes" in rows[1]


@pytest.mark.slow
def test_the_search_is_answered_by_the_trigram_index(staff_client_for_search):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO prop_markets (id, sport, week, league, player_id, player_name, "
            "position, team, opponent, market_type, stat_category, line, platform, "
            "external_id, game_id, is_active, extra_metadata, created_at, updated_at) "
            "SELECT gen_random_uuid(), 'football', i % 18, 'NFL', 'p' || i, "
            "'Player ' || lpad(i::text, 6, '0'), '', 'T' || (i % 32), '', 'passing_yards', "
            "'passing', 100.5, 'prizepicks', 'ext-' || i, 'g', true, '{}', now(), now() "
            "FROM generate_series(1, 50000) AS i"
        )
        cursor.execute("ANALYZE prop_markets")
    url = reverse("admin:props_propmarket_changelist") + "?q=er+004217&board=all"
    with CaptureQueriesContext(connection) as captured:
        response = staff_client_for_search.get(url)
    assert [m.player_name for m in response.context["cl"].result_list] == ["Player 004217"]
    api = filter_player_name(PropMarket.objects.all(), "004217").values("pk").query
    page_sql = [q["sql"] for q in captured if 'FROM "prop_markets"' in q["sql"]]
    api_sql, api_params = api.sql_with_params()
    api_plan = explain(api_sql, api_params)
    assert "prop_markets_player_search_idx" in api_plan, api_plan
    plans = [explain(sql.replace("%", "%%")) for sql in page_sql]
    assert not [plan for plan in plans if "Seq Scan on prop_markets" in plan], plans
    assert any("prop_markets_player_search_idx" in plan for plan in plans), plans


def explain(sql, params=None):
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.fixture
def staff_client_for_search(client, staff_user, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    client.force_login(staff_user)
    return client
