"""Admin test fixtures: a logged-in staff client, and helpers that post what the admin's pages
post (actions, list_editable rows)."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.urls import reverse


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def changelist_url(model_name, app="props"):
    return reverse(f"admin:{app}_{model_name}_changelist")


def post_action(client, model_name, action, objects, **extra):
    """Run a changelist action on `objects`, as the action bar does."""
    data = {"action": action, ACTION_CHECKBOX_NAME: [str(obj.pk) for obj in objects], **extra}
    return client.post(changelist_url(model_name), data)


def post_rows(client, rows, query=""):
    """Save list_editable rows of the prop-market changelist: `rows` is a list of
    (market, {field: value}) with the values to post for line, odds and is_active."""
    data = {
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": str(len(rows)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    for index, (market, values) in enumerate(rows):
        row = {"line": market.line, "odds": market.odds or "", "is_active": market.is_active}
        row.update(values)
        data[f"form-{index}-id"] = str(market.pk)
        data[f"form-{index}-line"] = str(row["line"])
        data[f"form-{index}-odds"] = str(row["odds"])
        if row["is_active"]:
            data[f"form-{index}-is_active"] = "on"
    return client.post(changelist_url("propmarket") + query, data)


def messages_of(response):
    """The messages a response added (also across a redirect that was not followed)."""
    return [str(message) for message in get_messages(response.wsgi_request)]
