"""DRF token authentication (`manage.py drf_create_token <email>`) and session authentication."""

import io
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import DEFAULT_PASSWORD, StaffUserFactory

from .tokens import ME_URL

pytestmark = pytest.mark.django_db


def create_token(email):
    out = io.StringIO()
    call_command("drf_create_token", email, stdout=out)
    return re.search(r"Generated token (\w+) for user", out.getvalue()).group(1)


def test_drf_create_token_prints_a_working_token(api_client, user):
    token = create_token(user.email)

    response = api_client.get(ME_URL, HTTP_AUTHORIZATION=f"Token {token}")

    assert response.status_code == 200
    assert response.json()["email"] == user.email


def test_drf_create_token_finds_the_user_by_email_case_insensitively(api_client, user):
    token = create_token(user.email.upper())

    response = api_client.get(ME_URL, HTTP_AUTHORIZATION=f"Token {token}")

    assert response.json()["id"] == str(user.pk)


def test_unknown_token_is_401(api_client, user):
    response = api_client.get(ME_URL, HTTP_AUTHORIZATION="Token " + "0" * 40)

    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


def sign_in_through_the_admin(client, staff):
    """The admin's login form, as a browser fills it in (Client.login cannot give axes' backend
    the request it needs)."""
    page_request = RequestFactory().get("/")
    csrf_token = get_token(page_request)  # what the login page hands the browser
    client.cookies[settings.CSRF_COOKIE_NAME] = page_request.META["CSRF_COOKIE"]
    return client.post(
        reverse("admin:login"),
        {"username": staff.email, "password": DEFAULT_PASSWORD, "csrfmiddlewaretoken": csrf_token},
        format="multipart",
    )


def test_session_login_reads_the_api():
    staff = StaffUserFactory()
    client = APIClient()
    assert sign_in_through_the_admin(client, staff).status_code == 302

    response = client.get(ME_URL)

    assert response.status_code == 200
    assert response.json()["is_staff"] is True


def test_session_write_needs_the_csrf_token():
    staff = StaffUserFactory()
    client = APIClient(enforce_csrf_checks=True)
    assert sign_in_through_the_admin(client, staff).status_code == 302

    refused = client.patch(ME_URL, {"full_name": "No Token"}, format="json")
    page_request = RequestFactory().get("/")
    csrf_token = get_token(page_request)  # what a page of the site hands the browser
    client.cookies[settings.CSRF_COOKIE_NAME] = page_request.META["CSRF_COOKIE"]
    accepted = client.patch(
        ME_URL, {"full_name": "With Token"}, format="json", HTTP_X_CSRFTOKEN=csrf_token
    )

    assert refused.status_code == 403
    assert accepted.status_code == 200
    assert accepted.json()["full_name"] == "With Token"
