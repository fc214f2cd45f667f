"""The API's filter backend: django-filter's, with its errors rendered safely.

django-filter's own backend %-formats every message with the error's params, so a message
without params that quotes the request (`?ordering=x%s` → "Cannot order by 'x%s'") raised a
TypeError, a 500. Here the form's messages are used as Django renders them (formatted only when
the error has params), keyed by query parameter.
"""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError


class FilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise ValidationError({name: list(errors) for name, errors in filterset.errors.items()})
        return filterset.qs
