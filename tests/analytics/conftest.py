"""API clients for the line-movement and edges tests (`client_for` is the suite's, in
tests/conftest.py)."""

import pytest


@pytest.fixture
def staff_client(client_for, staff_user):
    return client_for(staff_user)
