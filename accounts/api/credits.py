"""The credits ledger in the API: a user's own ledger, and staff's grants and adjustments."""

from rest_framework import serializers

from betterbros.api.serializers import StrictFieldsMixin

from ..choices import CreditKind
from ..models import MAX_CREDITS, CreditTransaction

# What staff may record through the API; spending and transfers have their own services.
STAFF_KINDS = [CreditKind.GRANT, CreditKind.ADJUSTMENT, CreditKind.REFUND]


class CreditTransactionSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(
        slug_field="email",
        read_only=True,
        allow_null=True,
        help_text="The staff user who made the change (email); null for the system.",
    )
    counterparty = serializers.SerializerMethodField(
        help_text="The other user of a transfer (email); null for other kinds."
    )

    class Meta:
        model = CreditTransaction
        fields = [
            "id",
            "user",
            "kind",
            "amount",
            "balance_after",
            "reason",
            "actor",
            "counterparty",
            "idempotency_key",
            "created_at",
        ]
        read_only_fields = fields

    def get_counterparty(self, row) -> str | None:
        return row.paired.user.email if row.paired_id else None


class CreditsPageSerializer(serializers.Serializer):
    """GET users/me/credits/: the balance and one page of the ledger, newest first."""

    balance = serializers.DecimalField(max_digits=12, decimal_places=2)
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = CreditTransactionSerializer(many=True)


class CreditsChangeSerializer(StrictFieldsMixin, serializers.Serializer):
    """POST users/{id}/credits/ (staff): a grant, refund or adjustment. What the ledger row
    records on its own (who, when, the balance after) is refused as read-only."""

    amount = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=-MAX_CREDITS,
        max_value=MAX_CREDITS,
        help_text="Positive for a grant or refund; an adjustment may be negative. Not 0.",
    )
    kind = serializers.ChoiceField(choices=[(kind.value, kind.label) for kind in STAFF_KINDS])
    reason = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text="Why; required for an adjustment.",
    )

    user = serializers.UUIDField(read_only=True)
    balance_after = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    actor = serializers.EmailField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)

    def validate(self, data):
        if data["amount"] == 0:
            raise serializers.ValidationError({"amount": ["Give a non-zero amount."]})
        if data["kind"] != CreditKind.ADJUSTMENT and data["amount"] < 0:
            raise serializers.ValidationError(
                {"amount": [f"A {data['kind']} adds credits: give a positive amount."]}
            )
        if data["kind"] == CreditKind.ADJUSTMENT and not data["reason"].strip():
            raise serializers.ValidationError({"reason": ["An adjustment needs a reason."]})
        return data
