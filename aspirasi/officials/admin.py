from django.contrib import admin

from .models import Acting, Holding


@admin.register(Holding)
class HoldingAdmin(admin.ModelAdmin):
    list_display = ["user", "position", "title", "starts_on", "ends_on"]
    list_filter = ["position"]


@admin.register(Acting)
class ActingAdmin(admin.ModelAdmin):
    list_display = ["user", "position", "starts_on", "ends_on", "note"]
    list_filter = ["position"]
