"""`users/me/` (own profile: read, and PATCH of the editable fields) and `users/` (staff)."""

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAdminUser, IsAuthenticated
from rest_framework.response import Response

from ..filtersets import UserFilterSet
from ..models import User
from .serializers import OwnProfileSerializer, UserSerializer


class UserViewSet(viewsets.ReadOnlyModelViewSet):
    """All users, for staff. Everyone signed in reaches their own profile at `users/me/`."""

    queryset = User.objects.order_by("email", "id")
    serializer_class = UserSerializer
    permission_classes = [IsAdminUser]
    filterset_class = UserFilterSet
    lookup_value_regex = "[0-9a-fA-F-]{36}"

    @extend_schema(
        methods=["GET"], summary="Your profile: tier, credits, subscription", filters=False
    )
    @extend_schema(
        methods=["PATCH"],
        summary="Change your username, full name or metadata",
        description="Only username, full_name and user_metadata may change; sending any other "
        "field (tier, credits, is_staff …) is a 400.",
        filters=False,
    )
    @action(
        detail=False,
        methods=["get", "patch"],
        permission_classes=[IsAuthenticated],
        serializer_class=OwnProfileSerializer,
        filterset_class=None,
        pagination_class=None,
    )
    def me(self, request):
        if request.method == "PATCH":
            serializer = self.get_serializer(request.user, data=request.data, partial=True)
            serializer.is_valid(raise_exception=True)
            serializer.save()
            return Response(serializer.data)
        return Response(self.get_serializer(request.user).data)
