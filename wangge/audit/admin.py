from django.contrib import admin

from wangge.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Append-only: administrators read the trail; nobody edits or deletes it here."""

    list_display = ["at", "actor", "action", "object_type", "object_id", "area_code"]
    list_filter = ["action"]
    search_fields = ["action", "object_id", "area_code", "actor__username"]
    date_hierarchy = "at"
    list_select_related = ["actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
