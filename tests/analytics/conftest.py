"""API clients for the line-movement tests (as tests/api/conftest.py makes them)."""

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def client_for(db):
    """`client_for(user)`: an API client authenticated as `user` (None: anonymous)."""

    def make(user):
        api = APIClient()
        if user is not None:
            api.force_authenticate(user=user)
        return api

    return make


@pytest.fixture
def staff_client(client_for, staff_user):
    return client_for(staff_user)
