"""The biggest page staff can choose (500 rows) can be acted on and saved like a small one."""

import pytest
from django.conf import settings
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from betterbros.admin_paging import PAGE_SIZES
from props.models import PropMarket
from tests.factories import PropMarketFactory

from .conftest import changelist_url

pytestmark = pytest.mark.django_db
LARGEST = max(PAGE_SIZES)


def what_the_browser_posts(markets, **extra):
    """The changelist form of a page of `markets`, every row selected, as Chromium posts it."""
    data = {
        "form-TOTAL_FORMS": str(len(markets)),
        "form-INITIAL_FORMS": str(len(markets)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "index": "0",
        ACTION_CHECKBOX_NAME: [str(market.pk) for market in markets],
        **extra,
    }
    for index, market in enumerate(markets):
        data[f"form-{index}-id"] = str(market.pk)
        data[f"form-{index}-line"] = str(market.line)
        data[f"form-{index}-odds"] = str(market.odds or "")
        data[f"form-{index}-is_active"] = "on"
    return data


def test_an_action_on_every_row_of_the_largest_page_asks_for_confirmation_not_a_400(
    staff_client,
):
    markets = PropMarketFactory.create_batch(LARGEST, is_active=True)
    data = what_the_browser_posts(markets, action="deactivate")
    fields = sum(len(value) if isinstance(value, list) else 1 for value in data.values())
    assert fields > 1_000  # Django's default limit

    response = staff_client.post(f"{changelist_url('propmarket')}?n={LARGEST}", data)

    assert response.status_code == 200
    assert f"{LARGEST} prop markets selected." in response.content.decode()
    assert PropMarket.objects.filter(is_active=True).count() == LARGEST


def test_the_field_limit_covers_the_largest_page():
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS >= LARGEST * 5 + 100
