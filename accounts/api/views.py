"""`users/me/` (own profile: read, and PATCH of the editable fields), `users/me/credits/` (own
credits ledger), `users/` (staff) and `users/{id}/credits/` (staff's grants and adjustments)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAdminUser, IsAuthenticated
from rest_framework.response import Response

from betterbros.api.exceptions import Conflict
from betterbros.api.pagination import StandardPagination

from .. import services
from ..choices import CreditKind
from ..filtersets import UserFilterSet
from ..models import CreditTransaction, User
from .credits import CreditsChangeSerializer, CreditsPageSerializer, CreditTransactionSerializer
from .serializers import OwnProfileSerializer, UserSerializer

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Makes the request safe to retry: a retry with the same key answers what the "
    "first request answered, without recording anything again; the same key with a different "
    "body is a 409. 1 to 255 printable characters, one per operation (a UUID is a good key).",
)
PAGE_PARAMETERS = [
    OpenApiParameter("page", OpenApiTypes.INT, description="Page number (from 1)."),
    OpenApiParameter("page_size", OpenApiTypes.INT, description="Rows per page (capped)."),
]
RECORDERS = {
    CreditKind.GRANT: services.grant_credits,
    CreditKind.REFUND: services.refund_credits,
    CreditKind.ADJUSTMENT: services.adjust_credits,
}


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

    @extend_schema(
        summary="Your credits: the balance and your ledger (newest first, paginated)",
        description="Every change of your credits (grants, purchases, spending, refunds, "
        "transfers, adjustments) with the balance after it; the balance equals their sum.",
        parameters=PAGE_PARAMETERS,
        responses={
            200: CreditsPageSerializer,
            404: OpenApiResponse(description="No such page."),
        },
        filters=False,
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="me/credits",
        permission_classes=[IsAuthenticated],
        serializer_class=CreditTransactionSerializer,
        filterset_class=None,
        pagination_class=StandardPagination,
    )
    def me_credits(self, request):
        ledger = CreditTransaction.objects.filter(user=request.user).select_related(
            "actor", "paired__user"
        )
        page = self.paginate_queryset(ledger)
        response = self.get_paginated_response(self.get_serializer(page, many=True).data)
        balance = User.objects.values_list("credits", flat=True).get(pk=request.user.pk)
        response.data = {"balance": f"{balance:.2f}", **response.data}
        return response

    @extend_schema(
        summary="Grant, refund or adjust a user's credits (staff)",
        description="Recorded in the user's credits ledger with you as the actor. Send an "
        "`Idempotency-Key` header to make the request safe to retry. A change that would take "
        "the balance below 0 is a 400.",
        parameters=[IDEMPOTENCY_KEY],
        request=CreditsChangeSerializer,
        responses={
            201: CreditTransactionSerializer,
            409: OpenApiResponse(
                description="The Idempotency-Key was already used for a different request."
            ),
        },
        filters=False,
    )
    @action(
        detail=True,
        methods=["post"],
        serializer_class=CreditsChangeSerializer,
        filterset_class=None,
        pagination_class=None,
    )
    def credits(self, request, pk=None):
        user = self.get_object()
        serializer = CreditsChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        change = serializer.validated_data
        try:
            row = RECORDERS[change["kind"]](
                user_id=user.pk,
                amount=change["amount"],
                reason=change["reason"],
                actor=request.user,
                idempotency_key=request.headers.get("Idempotency-Key"),
            )
        except services.IdempotencyKeyReused as exc:
            raise Conflict(str(exc)) from exc
        except services.InsufficientCredits as exc:
            raise ValidationError({"amount": [str(exc)]}) from exc
        except services.CreditsError as exc:
            raise ValidationError({"non_field_errors": [str(exc)]}) from exc
        row = CreditTransaction.objects.select_related("actor", "paired__user").get(pk=row.pk)
        return Response(CreditTransactionSerializer(row).data, status=status.HTTP_201_CREATED)
