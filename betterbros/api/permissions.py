"""Who may do what in the API. Ownership of rows is also enforced by the querysets
(`visible_to`), so another user's object is never found (404) rather than forbidden (403);
these classes are the second line and say the rule in the schema's words."""

from rest_framework.permissions import SAFE_METHODS, BasePermission


class IsOwnerOrStaff(BasePermission):
    """Objects with a `user` owner: the owner and staff only."""

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated)

    def has_object_permission(self, request, view, obj):
        return request.user.is_staff or obj.user_id == request.user.pk


class ReadForUsersWriteForStaff(BasePermission):
    """Any authenticated user reads; only staff create, change or delete."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or request.user.is_staff
