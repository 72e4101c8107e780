from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .delivery import send_again
from .models import DeadlineWarning, Message, ScheduledJob, WorkerBeat


class ReadOnly(admin.ModelAdmin):
    """The outbox and the worker's records are written by the system only."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Message)
class MessageAdmin(ReadOnly):
    list_display = ["created_at", "kind", "to", "state", "attempts", "sent_at", "next_attempt_at"]
    list_filter = ["state", "kind", "language"]
    search_fields = ["to", "key", "message_id", "aspiration__tracking_code"]
    date_hierarchy = "created_at"
    actions = ["send_again_action"]

    @admin.action(description=_("Send the rejected messages again"))
    def send_again_action(self, request, queryset):
        count = send_again(list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext(
                "%(n)s message will be sent again.", "%(n)s messages will be sent again.", count
            )
            % {"n": count},
            messages.SUCCESS,
        )


@admin.register(DeadlineWarning)
class DeadlineWarningAdmin(ReadOnly):
    list_display = ["raised_at", "aspiration", "step", "position", "level", "due_at", "settled_at"]
    list_filter = ["level", "position"]
    search_fields = ["aspiration__tracking_code"]


@admin.register(ScheduledJob)
class ScheduledJobAdmin(ReadOnly):
    list_display = ["name", "last_finished_at", "last_ok", "failures", "next_run_at", "leased_by"]


@admin.register(WorkerBeat)
class WorkerBeatAdmin(ReadOnly):
    list_display = ["worker_id", "host", "started_at", "seen_at", "stopped_at", "tasks_done"]
