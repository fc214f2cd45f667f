"""Users in the admin: tiers, status, credits and the active flag; the credits ledger.

Staff sign in with a password; users who come through Clerk or Supabase have no password to
fill in (none is asked for when adding them, none shown when changing them). The balance is
read-only: "Adjust credits…" and "Transfer credits…" go through `accounts.services`, which write
the ledger; the user page lists the user's ledger and "Credit transactions" lists everyone's.
"""

import uuid

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from betterbros.admin_paging import EstimatedCountPaginator, PagedAdminMixin
from betterbros.admin_read_only import ReadOnlyAdminMixin
from betterbros.json_fields import ReadableJSONField

from .choices import SUBJECT_FIELDS
from .models import CreditTransaction, User
from .services import CreditsError, adjust_credits, transfer_credits

LEDGER_PAGE_SIZE = 20

EXTERNAL_ID_FIELDS = tuple(SUBJECT_FIELDS.values())


class UserCreationForm(AdminUserCreationForm):
    """Staff get a password; a user with a Clerk or Supabase id gets none (an unusable one)."""

    class Meta:
        model = User
        fields = ("email", "full_name", *EXTERNAL_ID_FIELDS)

    def clean(self):
        if any(self.cleaned_data.get(name) for name in EXTERNAL_ID_FIELDS):
            if self.cleaned_data.get("password1") or self.cleaned_data.get("password2"):
                self.add_error(
                    "password1",
                    "Users who sign in through Clerk or Supabase have no password here; "
                    "leave it empty.",
                )
            self.cleaned_data["usable_password"] = "false"
        return super().clean()


class UserAdminChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        # Django's UsernameField assumes a required username; ours is optional (NULL when blank).
        field_classes = {}


class CreditsForm(forms.Form):
    # A key made when the form is shown: submitting the same form twice (a double click, a
    # resent POST) records the change once.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["idempotency_key"].initial = f"admin-{uuid.uuid4()}"


class AdjustCreditsForm(CreditsForm):
    amount = forms.DecimalField(
        max_digits=12,
        decimal_places=2,
        help_text="Signed: 25.00 adds credits, -25.00 takes them away.",
    )
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Required: what the ledger shows auditors.",
    )

    def clean_amount(self):
        if self.cleaned_data["amount"] == 0:
            raise forms.ValidationError("Give a non-zero amount.")
        return self.cleaned_data["amount"]


class TransferCreditsForm(CreditsForm):
    recipient = forms.EmailField(label="To (email)")
    amount = forms.DecimalField(max_digits=12, decimal_places=2, min_value=0.01)
    reason = forms.CharField(max_length=500, required=False)

    def clean_recipient(self):
        email = self.cleaned_data["recipient"]
        recipient = User.objects.filter(email__iexact=email).first()
        if recipient is None:
            raise forms.ValidationError(f"No user has the email {email}.")
        return recipient


class AuthSourceFilter(admin.SimpleListFilter):
    title = "signs in with"
    parameter_name = "auth"

    def lookups(self, request, model_admin):
        return [("clerk", "Clerk"), ("supabase", "Supabase"), ("password", "Password (staff)")]

    def queryset(self, request, queryset):
        if self.value() == "clerk":
            return queryset.filter(clerk_user_id__isnull=False)
        if self.value() == "supabase":
            return queryset.filter(supabase_user_id__isnull=False)
        if self.value() == "password":
            return queryset.filter(clerk_user_id__isnull=True, supabase_user_id__isnull=True)
        return queryset


@admin.register(User)
class UserAdmin(PagedAdminMixin, DjangoUserAdmin):
    form = UserAdminChangeForm
    add_form = UserCreationForm
    change_form_template = "admin/accounts/user/change_form.html"
    list_display = [
        "email",
        "full_name",
        "subscription_tier",
        "subscription_status",
        "credits",
        "signs_in_with",
        "is_active",
        "is_staff",
        "created_at",
    ]
    list_filter = [
        "subscription_tier",
        "subscription_status",
        "is_active",
        "is_staff",
        "is_verified",
        AuthSourceFilter,
    ]
    search_fields = ["email", "full_name", "=clerk_user_id"]
    search_help_text = "Email or name (contains), Clerk user id or Supabase user id (exact)."
    ordering = ["email"]
    readonly_fields = ["credits", "last_login", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["full_name", "username", "is_verified", "user_metadata"]}),
        ("Signs in through", {"fields": list(EXTERNAL_ID_FIELDS)}),
        (
            "Subscription",
            {"fields": ["subscription_tier", "subscription_status", "subscription_expires_at"]},
        ),
        ("Credits", {"fields": ["credits"]}),
        (
            "Permissions",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Dates", {"fields": ["last_login", "created_at", "updated_at"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "email",
                    "full_name",
                    *EXTERNAL_ID_FIELDS,
                    "usable_password",
                    "password1",
                    "password2",
                ],
                "description": "Give a Clerk or Supabase id for a product user (no password), "
                "or a password for staff.",
            },
        )
    ]

    @admin.display(description="Signs in with")
    def signs_in_with(self, user):
        if user.clerk_user_id:
            return "Clerk"
        if user.supabase_user_id:
            return "Supabase"
        return "Password"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "user_metadata":
            kwargs["form_class"] = ReadableJSONField
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and obj.is_external:
            # External users sign in through their provider: no password to see or set.
            return [
                (name, {**options, "fields": [f for f in options["fields"] if f != "password"]})
                for name, options in fieldsets
            ]
        return fieldsets

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        try:
            supabase_id = uuid.UUID(search_term.strip())
        except ValueError:
            return queryset, may_have_duplicates
        return queryset | self.get_queryset(request).filter(
            Q(supabase_user_id=supabase_id) | Q(pk=supabase_id)
        ), may_have_duplicates

    def change_view(self, request, object_id, form_url="", extra_context=None):
        user = self.get_object(request, object_id)
        if user is not None:
            ledger = CreditTransaction.objects.filter(user=user).select_related("actor")
            page = EstimatedCountPaginator(ledger, LEDGER_PAGE_SIZE).get_page(
                request.GET.get("ledger_page")
            )
            extra_context = {**(extra_context or {}), "ledger_page": page}
        return super().change_view(request, object_id, form_url, extra_context)

    # --- changing credits: through the ledger's services ----------------------------------------

    def adjust_credits_view(self, request, object_id):
        def adjust(user, data):
            row = adjust_credits(
                user_id=user.pk,
                amount=data["amount"],
                reason=data["reason"],
                actor=request.user,
                idempotency_key=data["idempotency_key"] or None,
            )
            return (
                f"Adjusted the credits of {user.email} by {row.amount:+.2f} "
                f"(now {row.balance_after})."
            )

        return self._credits_form_view(
            request, object_id, AdjustCreditsForm, adjust, "Adjust credits of", "Adjust"
        )

    def transfer_credits_view(self, request, object_id):
        def transfer(sender, data):
            recipient, amount = data["recipient"], data["amount"]
            outgoing = transfer_credits(
                from_user_id=sender.pk,
                to_user_id=recipient.pk,
                amount=amount,
                reason=data["reason"],
                actor=request.user,
                idempotency_key=data["idempotency_key"] or None,
            )
            return (
                f"Moved {amount:.2f} credits from {sender.email} (now "
                f"{outgoing.balance_after}) to {recipient.email} (now "
                f"{outgoing.paired.balance_after})."
            )

        return self._credits_form_view(
            request, object_id, TransferCreditsForm, transfer, "Transfer credits from", "Transfer"
        )

    def _credits_form_view(self, request, object_id, form_class, change, title, action):
        """The form page of a change to a user's credits: on a valid POST `change(user,
        cleaned_data)` calls the ledger's service and returns the success message; the
        service's refusal (CreditsError) is shown on the form."""
        user = self._user_to_change(request, object_id)
        form = form_class(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                success = change(user, form.cleaned_data)
            except CreditsError as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(request, success, messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:accounts_user_change", args=[user.pk]))
        return TemplateResponse(
            request,
            "admin/accounts/user/credits_form.html",
            {
                **self.admin_site.each_context(request),
                "title": f"{title} {user.email}",
                "action": action,
                "opts": self.opts,
                "original": user,
                "form": form,
            },
        )

    def _user_to_change(self, request, object_id):
        user = self.get_object(request, object_id)
        if user is None:
            raise Http404("No such user.")
        if not self.has_change_permission(request, user):
            raise PermissionDenied
        return user

    def get_urls(self):
        return [
            path(
                "<path:object_id>/adjust-credits/",
                self.admin_site.admin_view(self.adjust_credits_view),
                name="accounts_user_adjust_credits",
            ),
            path(
                "<path:object_id>/transfer-credits/",
                self.admin_site.admin_view(self.transfer_credits_view),
                name="accounts_user_transfer_credits",
            ),
            *super().get_urls(),
        ]


class ActorFilter(admin.SimpleListFilter):
    title = "made by"
    parameter_name = "actor"

    def lookups(self, request, model_admin):
        staff = User.objects.filter(
            pk__in=CreditTransaction.objects.filter(actor__isnull=False).values("actor").distinct()
        ).order_by("email")
        return [("system", "The system"), *((str(user.pk), user.email) for user in staff)]

    def queryset(self, request, queryset):
        if self.value() == "system":
            return queryset.filter(actor__isnull=True)
        if self.value():
            try:
                return queryset.filter(actor_id=uuid.UUID(self.value()))
            except ValueError:
                return queryset.none()
        return queryset


@admin.register(CreditTransaction)
class CreditTransactionAdmin(ReadOnlyAdminMixin, PagedAdminMixin, admin.ModelAdmin):
    """Everyone's credits ledger, read-only: rows are written by accounts.services alone."""

    list_display = [
        "created_at",
        "user_link",
        "kind",
        "signed_amount",
        "balance_after",
        "actor",
        "reason",
    ]
    list_filter = ["kind", ActorFilter, ("created_at", admin.DateFieldListFilter)]
    list_select_related = ["user", "actor"]
    search_fields = ["user__email"]
    search_help_text = "The user's email (contains)."
    ordering = ["-created_at", "-id"]
    fields = [
        "id",
        "user",
        "kind",
        "amount",
        "balance_after",
        "reason",
        "actor",
        "paired",
        "idempotency_key",
        "created_at",
    ]
    readonly_fields = fields

    @admin.display(description="User", ordering="user__email")
    def user_link(self, row):
        url = reverse("admin:accounts_user_change", args=[row.user_id])
        return format_html('<a href="{}">{}</a>', url, row.user.email)

    @admin.display(description="Amount", ordering="amount")
    def signed_amount(self, row):
        return f"{row.amount:+.2f}"
