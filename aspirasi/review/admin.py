from django.contrib import admin

from .models import Export


@admin.register(Export)
class ExportAdmin(admin.ModelAdmin):
    """Read only: the record says what left the system, nobody edits it."""

    list_display = ("at", "user", "kind", "format", "rows", "filters")
    list_filter = ("kind", "format")
    date_hierarchy = "at"
    readonly_fields = ("user", "kind", "format", "filters", "rows", "at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
