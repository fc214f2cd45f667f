"""Admin sign-in brute-force protection (django-axes, accounts/login_lockout.py): failures are
counted per (account, client address) and per client address in PostgreSQL; past the limit the
right password is refused too, with a lock-out page, until the cool-off ends or staff delete
the attempts. Failures from elsewhere never lock a staff member out of their own address."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD, StaffUserFactory

pytestmark = pytest.mark.django_db

LIMIT = 3
LOCKED_OUT = (
    "Too many failed sign-ins for this account or address. "
    "Try again in 15 minutes or ask a staff member to unlock it."
)
HOME = "198.51.100.10"


@pytest.fixture(autouse=True)
def _lockout_settings(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


def sign_in(email, password, address=HOME, **headers):
    """Post the admin login form from `address` (a fresh browser each time: no session)."""
    return Client(REMOTE_ADDR=address).post(
        reverse("admin:login"),
        {"username": email, "password": password, "next": reverse("admin:index")},
        **headers,
    )


def signed_in(response):
    return response.status_code == 302 and "_auth_user_id" in response.wsgi_request.session


def locked_out(response):
    return response.status_code == 429 and LOCKED_OUT in " ".join(response.content.decode().split())


def fail(times, email, address=HOME, **headers):
    return [sign_in(email, "wrong-password", address, **headers) for _ in range(times)]


def test_the_right_password_is_refused_with_the_lockout_page_after_the_limit():
    staff = StaffUserFactory()

    failures = fail(LIMIT, staff.email)
    response = sign_in(staff.email, DEFAULT_PASSWORD)

    assert [r.status_code for r in failures[:-1]] == [200] * (LIMIT - 1)  # the form's error
    assert locked_out(failures[-1])
    assert locked_out(response)
    assert not signed_in(response)
    assert "BetterBros Props" in response.content.decode()  # the admin's look


def test_an_address_is_locked_across_accounts():
    staff, other = StaffUserFactory(), StaffUserFactory()
    for n in range(LIMIT):
        sign_in(f"guess{n}@betterbros.example", "wrong-password")

    assert locked_out(sign_in(staff.email, DEFAULT_PASSWORD))
    assert signed_in(sign_in(other.email, DEFAULT_PASSWORD, address="198.51.100.99"))


def test_an_account_is_locked_from_the_guessing_address_across_spellings_of_its_email():
    staff = StaffUserFactory()
    spellings = [staff.email, staff.email.upper(), f"  {staff.email.title()} "]
    for spelling in spellings[:LIMIT]:
        sign_in(spelling, "wrong-password", address="203.0.113.1")

    assert locked_out(sign_in(staff.email, DEFAULT_PASSWORD, address="203.0.113.1"))


def test_guesses_at_an_account_from_elsewhere_never_lock_its_owner_out():
    """Anyone who knows a staff email could otherwise keep that person out of the admin all day."""
    staff = StaffUserFactory()
    for n in range(LIMIT * 3):  # the limit from each of three addresses
        sign_in(staff.email, "wrong-password", address=f"203.0.113.{n // LIMIT + 1}")

    assert locked_out(sign_in(staff.email, DEFAULT_PASSWORD, address="203.0.113.1"))
    assert signed_in(sign_in(staff.email, DEFAULT_PASSWORD, address=HOME))


def test_a_forged_forwarded_for_does_not_evade_the_address_limit():
    """With no proxy (NUM_PROXIES=0) the socket's address is the client, whatever the header."""
    staff = StaffUserFactory()
    for n in range(LIMIT):
        sign_in(
            f"guess{n}@betterbros.example",
            "wrong-password",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n + 1}",
        )

    response = sign_in(staff.email, DEFAULT_PASSWORD, HTTP_X_FORWARDED_FOR="10.0.0.200")

    assert locked_out(response)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {HOME}


def test_behind_one_proxy_the_address_it_saw_is_counted_not_what_the_client_wrote(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    staff = StaffUserFactory()
    proxy = "10.1.1.1"  # every request arrives from the proxy's socket
    for n in range(LIMIT):
        sign_in(
            f"guess{n}@betterbros.example",
            "wrong-password",
            address=proxy,
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n + 1}, 198.51.100.7",
        )

    same_client = sign_in(
        staff.email, DEFAULT_PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7"
    )
    other_client = sign_in(
        staff.email, DEFAULT_PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.8"
    )

    assert locked_out(same_client)
    assert signed_in(other_client)


def test_staff_unlock_by_deleting_the_access_attempts_in_the_admin(staff_client):
    staff = StaffUserFactory()
    fail(LIMIT, staff.email)
    assert locked_out(sign_in(staff.email, DEFAULT_PASSWORD))
    changelist = reverse("admin:axes_accessattempt_changelist")
    attempts = list(AccessAttempt.objects.filter(username=staff.email))

    listed = staff_client.get(changelist, {"q": staff.email})
    staff_client.post(
        changelist,
        {
            "action": "delete_selected",
            ACTION_CHECKBOX_NAME: [str(attempt.pk) for attempt in attempts],
            "post": "yes",
        },
    )

    assert listed.status_code == 200
    assert staff.email in listed.content.decode()
    assert not AccessAttempt.objects.exists()
    assert signed_in(sign_in(staff.email, DEFAULT_PASSWORD))


def test_a_successful_sign_in_below_the_limit_resets_the_count():
    staff = StaffUserFactory()

    fail(LIMIT - 1, staff.email)
    first = sign_in(staff.email, DEFAULT_PASSWORD)
    fail(LIMIT - 1, staff.email)
    second = sign_in(staff.email, DEFAULT_PASSWORD)

    assert signed_in(first)
    assert signed_in(second)


def test_without_a_cool_off_the_page_sends_the_user_to_staff(settings):
    settings.AXES_COOLOFF_TIME = None
    staff = StaffUserFactory()
    fail(LIMIT, staff.email)

    response = sign_in(staff.email, DEFAULT_PASSWORD)

    assert response.status_code == 429
    assert "Ask a staff member to unlock it." in response.content.decode()
