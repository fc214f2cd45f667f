"""Admin pages that show records nobody edits by hand: ledgers, logs, runs, jobs."""


class ReadOnlyAdminMixin:
    """A ModelAdmin whose objects can be listed and viewed, never added, changed or deleted
    from the admin (what writes them is a service, a command or a worker)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
