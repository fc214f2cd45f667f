"""django-filter FilterSet for users (staff's `users/` list)."""

import django_filters as filters

from betterbros.api.boolean_filters import StrictBooleanFilter
from betterbros.api.filtersets import ParameterFilterSet

from .models import User


class UserFilterSet(ParameterFilterSet):
    email = filters.CharFilter(
        lookup_expr="icontains", help_text="Part of the email, case-insensitive."
    )
    is_staff = StrictBooleanFilter()
    is_active = StrictBooleanFilter()

    class Meta:
        model = User
        fields = ["email", "subscription_tier", "subscription_status", "is_staff", "is_active"]
