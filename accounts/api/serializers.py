"""User representations: the own profile (a few editable fields) and staff's view of users."""

from rest_framework import serializers

from betterbros.api.serializers import JSONValueField, StrictFieldsMixin
from betterbros.json_validation import validate_json_object

from ..models import User

PROFILE_FIELDS = [
    "id",
    "email",
    "username",
    "full_name",
    "clerk_user_id",
    "supabase_user_id",
    "subscription_tier",
    "subscription_status",
    "subscription_expires_at",
    "credits",
    "is_verified",
    "is_staff",
    "user_metadata",
    "created_at",
    "updated_at",
]
# What a user may change about themselves; tier, credits, staff status and ids are not.
EDITABLE_FIELDS = ["username", "full_name", "user_metadata"]


class OwnProfileSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    user_metadata = JSONValueField(required=False, validators=[validate_json_object])

    class Meta:
        model = User
        fields = PROFILE_FIELDS
        read_only_fields = [name for name in PROFILE_FIELDS if name not in EDITABLE_FIELDS]


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = [*PROFILE_FIELDS, "is_active", "last_login"]
        read_only_fields = fields
