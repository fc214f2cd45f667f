"""A user whose user_metadata was stored nested too deeply (before the depth limit) still has a
working change page: it opens, and staff can replace the value and deactivate the user. Deep
JSON typed into the admin is a form error, not a 500 (issue 11, point 1)."""

import pytest
from django.db import connection
from django.urls import reverse

from accounts.models import User
from props.validators import MAX_JSON_DEPTH
from tests.factories import UserFactory

from .test_user_admin import user_form

pytestmark = pytest.mark.django_db


def nested(depth):
    return '{"a":' * depth + "1" + "}" * depth


def store_raw_metadata(user, text):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE users SET user_metadata = %s::jsonb WHERE id = %s", [text, user.pk])


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 900])
def test_the_change_page_of_a_user_with_deep_metadata_opens(staff_client, depth):
    user = UserFactory()
    store_raw_metadata(user, nested(depth))

    response = staff_client.get(reverse("admin:accounts_user_change", args=[user.pk]))

    assert response.status_code == 200


def test_staff_deactivate_a_user_with_deep_metadata_after_replacing_it(staff_client):
    user = UserFactory()
    store_raw_metadata(user, nested(900))
    url = reverse("admin:accounts_user_change", args=[user.pk])

    kept = staff_client.post(url, user_form(user, is_active="", user_metadata=nested(900)))
    assert kept.status_code == 200
    assert f"nested deeper than {MAX_JSON_DEPTH} levels" in kept.content.decode().lower()

    replaced = staff_client.post(url, user_form(user, is_active="", user_metadata="{}"))
    assert replaced.status_code == 302
    user = User.objects.get(pk=user.pk)
    assert (user.is_active, user.user_metadata) == (False, {})


def test_metadata_over_the_depth_limit_is_a_form_error(staff_client):
    user = UserFactory()
    url = reverse("admin:accounts_user_change", args=[user.pk])

    response = staff_client.post(url, user_form(user, user_metadata=nested(MAX_JSON_DEPTH + 1)))

    assert response.status_code == 200
    assert f"nested deeper than {MAX_JSON_DEPTH} levels" in response.content.decode()
    assert User.objects.get(pk=user.pk).user_metadata == {}
