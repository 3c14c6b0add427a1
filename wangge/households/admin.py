"""Back office for administrators: tags are configured here; households are read-only, masked."""

from django.contrib import admin

from wangge.households.models import Household, Resident, Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "name_en", "kind", "sensitive", "is_key", "sort"]
    list_filter = ["kind", "sensitive", "is_key"]
    list_editable = ["sort"]


class ResidentInline(admin.TabularInline):
    model = Resident
    extra = 0
    fields = ["name", "relation", "id_masked"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ["head_name", "address", "area", "head_id_masked", "phone_masked", "size"]
    search_fields = ["head_name", "address", "area_code"]
    list_filter = ["tags"]
    list_select_related = ["area"]
    fields = [
        "head_name",
        "head_id_masked",
        "address",
        "area",
        "phone_masked",
        "size",
        "tags",
        "note",
        "version",
    ]
    readonly_fields = fields
    inlines = [ResidentInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
