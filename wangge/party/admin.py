"""Back office for administrators. Members are written through the pages (services and audit);
here they are read-only and shown masked."""

from django.contrib import admin

from wangge.party.models import Member, Organisation, Position


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "category", "area", "parent"]
    list_filter = ["kind", "category"]
    search_fields = ["name", "area_code"]
    raw_id_fields = ["area", "parent"]
    list_select_related = ["area", "parent"]

    def save_model(self, request, obj, form, change):
        obj.set_area(obj.area)
        super().save_model(request, obj, form, change)


class PositionInline(admin.TabularInline):
    model = Position
    extra = 0
    raw_id_fields = ["organisation"]


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["name", "gender", "birth_date", "organisation", "id_masked", "phone_masked"]
    list_filter = ["is_mobile", "gender"]
    search_fields = ["name", "area_code"]
    list_select_related = ["organisation"]
    # The encrypted fields never appear here: masked copies only.
    fields = [
        "name",
        "gender",
        "birth_date",
        "id_masked",
        "phone_masked",
        "organisation",
        "area",
        "joined_on",
        "is_mobile",
        "mobile_whereabouts",
        "version",
    ]
    readonly_fields = fields
    inlines = [PositionInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
