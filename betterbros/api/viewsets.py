"""Viewset bases shared by the resources."""

from rest_framework import viewsets

from .pagination import StandardPagination
from .permissions import IsOwnerOrStaff


class OwnedModelViewSet(viewsets.ModelViewSet):
    """CRUD on rows that belong to a user (`model.objects.visible_to(user)`): a user reaches
    their own, staff reach everyone's, another user's row is 404 for every method, and the
    owner of a new row comes from the request, never from the body."""

    model = None
    permission_classes = [IsOwnerOrStaff]
    pagination_class = StandardPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no real user
            return self.model.objects.none()
        return self.with_related(self.model.objects.visible_to(self.request.user))

    def with_related(self, queryset):
        """The related rows a response shows, fetched with the list's one query."""
        return queryset

    def perform_create(self, serializer):
        serializer.save(user=self.request.user)
