"""API client fixtures: `api_client` (anonymous) and `client_for(user)` (authenticated)."""

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api_client():
    """An anonymous client."""
    return APIClient()


@pytest.fixture
def client_for(db):
    """`client_for(user)`: a client authenticated as `user` (None gives an anonymous one)."""

    def make(user):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user=user)
        return client

    return make


@pytest.fixture
def user_client(client_for, user):
    return client_for(user)


@pytest.fixture
def staff_client(client_for, staff_user):
    return client_for(staff_user)
