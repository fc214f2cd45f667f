"""Clerk/Supabase users from the same cache as token users: a cached board read skips
PostgreSQL, and deactivating or relinking an account applies at once."""

import uuid

import jwt
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.choices import SubscriptionTier
from tests.api.tokens import bearer, supabase_claims
from tests.factories import PropMarketFactory, UserFactory

pytestmark = pytest.mark.django_db

SECRET = "super-secret-jwt-token-with-at-least-32-characters-long"
BOARD = "/api/v1/prop-markets/?league=NFL&week=5&is_active=true"
ME = "/api/v1/users/me/"


@pytest.fixture(autouse=True)
def supabase_secret(settings):
    settings.SUPABASE_JWT_SECRET = SECRET


@pytest.fixture
def user():
    return UserFactory(supabase_user_id=uuid.uuid4(), subscription_tier=SubscriptionTier.PRO)


def get(url, user, subject=None):
    subject = subject or user.supabase_user_id
    token = jwt.encode(supabase_claims(sub=str(subject)), SECRET, "HS256")
    return APIClient().get(url, **bearer(token))


def test_cached_board_read_by_a_supabase_user_runs_no_query(user):
    PropMarketFactory()
    assert get(BOARD, user).status_code == 200

    with CaptureQueriesContext(connection) as queries:
        response = get(BOARD, user)

    assert response.status_code == 200
    assert len(queries) == 0, [query["sql"] for query in queries]


def test_deactivated_user_is_refused_at_once(user):
    assert get(BOARD, user).status_code == 200

    user.is_active = False
    user.save()

    assert get(BOARD, user).status_code == 401


def test_subject_taken_off_an_account_no_longer_signs_in_to_it(user):
    subject = user.supabase_user_id
    assert get(ME, user).json()["email"] == user.email

    user.supabase_user_id = None
    user.save()

    response = get(ME, None, subject=subject)
    assert response.status_code == 200
    assert response.json()["id"] != str(user.pk)
    assert response.json()["supabase_user_id"] == str(subject)


def test_me_reads_the_current_row_not_the_cached_copy(user):
    assert get(ME, user).status_code == 200
    type(user).objects.filter(pk=user.pk).update(full_name="Renamed Without Signals")

    assert get(ME, user).json()["full_name"] == "Renamed Without Signals"
