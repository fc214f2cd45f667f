"""Page-number pagination with a capped `page_size`: the default for every list except prop
markets, which use cursor pagination (no COUNT over the big table)."""

from django.conf import settings
from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    page_size = settings.API_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE
