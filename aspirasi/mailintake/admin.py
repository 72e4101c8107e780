from django.contrib import admin

from .models import InboundMail


@admin.register(InboundMail)
class InboundMailAdmin(admin.ModelAdmin):
    """Read-only: what came in and what became of it (the raw message stays in the database)."""

    list_display = ["received_at", "sender", "subject", "outcome", "reason", "aspiration"]
    list_filter = ["outcome", "reason", "via", "unverified"]
    search_fields = ["sender", "subject", "message_id", "aspiration__tracking_code"]
    exclude = ["raw"]
    readonly_fields = [
        f.name for f in InboundMail._meta.get_fields() if f.concrete and f.name != "raw"
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("raw").select_related("aspiration")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
