"""Users in the admin: tiers, status, credits and the active flag.

Staff sign in with a password; users who come through Clerk or Supabase have no password to
fill in (none is asked for when adding them, none shown when changing them). Moving credits
between users goes through `accounts.services.transfer_credits`.
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

from props.admin.forms import ReadableJSONField
from props.admin.paginator import EstimatedCountPaginator

from .models import User
from .services import CreditsError, transfer_credits

EXTERNAL_ID_FIELDS = ("clerk_user_id", "supabase_user_id")


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


class TransferCreditsForm(forms.Form):
    recipient = forms.EmailField(label="To (email)")
    amount = forms.DecimalField(max_digits=12, decimal_places=2, min_value=0.01)

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
class UserAdmin(DjangoUserAdmin):
    form = UserAdminChangeForm
    add_form = UserCreationForm
    change_form_template = "admin/accounts/user/change_form.html"
    paginator = EstimatedCountPaginator
    show_full_result_count = False
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
    readonly_fields = ["last_login", "created_at", "updated_at"]
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
        if db_field.name == "credits":
            # The balance as the page showed it is posted back, so "changed" means changed by
            # staff, not by a transfer since the page was opened.
            kwargs["show_hidden_initial"] = True
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

    def save_model(self, request, obj, form, change):
        if change and "credits" not in form.changed_data:
            # Leave the balance to concurrent transfers: save every column but credits.
            obj.save(
                update_fields=[
                    field.name
                    for field in User._meta.concrete_fields
                    if not field.primary_key and field.name != "credits"
                ]
            )
            return
        super().save_model(request, obj, form, change)

    # --- moving credits between users ---------------------------------------------------------

    def transfer_credits_view(self, request, object_id):
        sender = self.get_object(request, object_id)
        if sender is None:
            raise Http404("No such user.")
        if not self.has_change_permission(request, sender):
            raise PermissionDenied
        form = TransferCreditsForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            recipient, amount = form.cleaned_data["recipient"], form.cleaned_data["amount"]
            try:
                sender_balance, recipient_balance = transfer_credits(
                    from_user_id=sender.pk, to_user_id=recipient.pk, amount=amount
                )
            except CreditsError as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(
                    request,
                    f"Moved {amount:.2f} credits from {sender.email} (now {sender_balance}) to "
                    f"{recipient.email} (now {recipient_balance}).",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:accounts_user_change", args=[sender.pk]))
        return TemplateResponse(
            request,
            "admin/accounts/user/transfer_credits.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Transfer credits from {sender.email}",
                "opts": self.opts,
                "original": sender,
                "form": form,
            },
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/transfer-credits/",
                self.admin_site.admin_view(self.transfer_credits_view),
                name="accounts_user_transfer_credits",
            ),
            *super().get_urls(),
        ]
