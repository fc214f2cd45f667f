"""The editable market list renders and saves its rows at a cost that does not grow per input:
the same HTML as Django's widget templates, links built once per page, and a save of one row
that costs the same queries whatever the page size."""

import pytest
from django.db import connection
from django.forms.renderers import DjangoTemplates
from django.test.utils import CaptureQueriesContext

from props.admin.forms import PropMarketRowForm
from props.admin.row_widgets import ROW_RENDERER
from props.models import PropMarket
from props.services import lock_snapshot
from tests.factories import PropMarketFactory, SnapshotFactory

from .conftest import changelist_url, post_rows

pytestmark = pytest.mark.django_db


def row_form(market, renderer, data=None):
    form_class = type(
        "RowForm",
        (PropMarketRowForm,),
        {
            "Meta": type(
                "Meta",
                (PropMarketRowForm.Meta,),
                {"model": PropMarket, "fields": ["line", "odds", "is_active"]},
            )
        },
    )
    return form_class(data, instance=market, prefix="form-0", renderer=renderer)


@pytest.mark.parametrize(
    "values",
    [
        {"line": 275.5, "odds": 1.9091, "is_active": True},
        {"line": 0.5, "odds": None, "is_active": False},
        {"player_name": 'O"Neil <script>', "line": 3.0, "odds": 2.5},
    ],
)
def test_row_inputs_are_written_as_djangos_widget_templates_write_them(values):
    market = PropMarketFactory(**values)
    fast, templates = row_form(market, ROW_RENDERER), row_form(market, DjangoTemplates())
    for name in ("line", "odds", "is_active"):
        assert str(fast[name]) == str(templates[name])
        assert str(fast[name].errors) == str(templates[name].errors) == ""


def test_row_errors_and_locked_rows_render_as_before(staff_user):
    locked = SnapshotFactory(snapshot_id="locked-rows")
    market = PropMarketFactory(snapshot=locked)
    lock_snapshot(snapshot=locked, user=staff_user)
    market.refresh_from_db()
    data = {"form-0-line": "x", "form-0-odds": "150"}
    fast = row_form(market, ROW_RENDERER, data)
    templates = row_form(market, DjangoTemplates(), data)
    for name in ("line", "odds", "is_active"):
        assert str(fast[name]) == str(templates[name])
        assert " disabled " in str(fast[name]) and 'title="Snapshot' in str(fast[name])
    open_market = PropMarketFactory()
    fast = row_form(open_market, ROW_RENDERER, data)
    templates = row_form(open_market, DjangoTemplates(), data)
    assert str(fast["odds"].errors) == str(templates["odds"].errors) != ""


def save_queries(staff_client, rows):
    with CaptureQueriesContext(connection) as queries:
        assert post_rows(staff_client, rows).status_code == 302
    return len(queries)


def test_saving_one_row_costs_the_same_queries_on_a_page_of_5_or_50(staff_client):
    markets = PropMarketFactory.create_batch(50, line=10.5)
    save_queries(staff_client, [(markets[0], {"line": 1.5})])  # warm: content types cached
    of_5 = save_queries(
        staff_client, [(markets[0], {"line": 11.5}), *[(m, {}) for m in markets[1:5]]]
    )
    of_50 = save_queries(
        staff_client, [(markets[0], {"line": 12.5}), *[(m, {}) for m in markets[1:]]]
    )
    assert of_50 == of_5
    assert PropMarket.objects.get(pk=markets[0].pk).line == 12.5


def test_row_links_keep_the_filters_and_the_page_reads_no_more_per_row(staff_client):
    PropMarketFactory.create_batch(3, league="NFL", week=5)
    url = changelist_url("propmarket") + "?league__exact=NFL&week=5"
    with CaptureQueriesContext(connection) as few:
        response = staff_client.get(url)
    PropMarketFactory.create_batch(30, league="NFL", week=5)
    with CaptureQueriesContext(connection) as many:
        staff_client.get(url)

    market = PropMarket.objects.order_by("player_name").first()
    link = f'href="/admin/props/propmarket/{market.pk}/change/?_changelist_filters='
    assert link + 'league__exact%3DNFL%26week%3D5"' in response.content.decode()
    assert len(many) == len(few)
