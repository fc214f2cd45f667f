"""How django-axes counts failed admin sign-ins (AXES_* in betterbros/settings.py).

Failures are counted per (account, client address) and per client address in PostgreSQL (axes'
database handler); past AXES_FAILURE_LIMIT either one is locked for AXES_COOLOFF_TIME. Staff
unlock early by deleting the rows under "Axes > Access attempts" in the admin.
"""

import ipaddress

from django.conf import settings
from django.contrib import admin
from django.shortcuts import render
from rest_framework.throttling import BaseThrottle

LOCKOUT_TEMPLATE = "axes/lockout.html"


def client_address(request):
    """The client's address by the API's proxy rule (NUM_PROXIES, DRF's own code): the socket's
    address, or the one the Nth proxy from the right wrote in X-Forwarded-For. With no proxy a
    forged X-Forwarded-For does not give a fresh allowance. Not an address (a proxy count set
    higher than the proxies there are lets the client write it): the socket's address."""
    address = BaseThrottle().get_ident(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return request.META.get("REMOTE_ADDR")


def account_name(request, credentials):
    """The account a sign-in is for, as the login finds it (the email, case-insensitively, the
    form stripping spaces), so `Staff@…` and `staff@…` count against one account."""
    source = credentials or getattr(request, "data", request.POST)
    value = source.get("username") or source.get("email")
    return str(value).strip().lower() if value else None


def lockout_response(request, original_response=None, credentials=None):
    """The lock-out page, in the admin's look, with axes' status (429)."""
    cool_off = settings.AXES_COOLOFF_TIME
    context = {
        **admin.site.each_context(request),
        "title": "Sign-in locked",
        "cool_off_minutes": round(cool_off.total_seconds() / 60) if cool_off else None,
    }
    return render(request, LOCKOUT_TEMPLATE, context, status=settings.AXES_HTTP_RESPONSE_CODE)
