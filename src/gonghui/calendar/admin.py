from django.contrib import admin

from gonghui.calendar.models import CalendarDay, CalendarYear
from gonghui.core.admin_site import ReadOnlyAdmin


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    fields = ("date", "is_workday", "name")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyAdmin):
    """Shown only: years are entered and corrected on /calendar/ (calendar/holidays.py), which
    checks the lines, audits the change and makes every process reload the calendar."""

    list_display = ("year", "source", "note", "updated_by", "updated_at")
    list_filter = ("source",)
    inlines = [CalendarDayInline]


@admin.register(CalendarDay)
class CalendarDayAdmin(ReadOnlyAdmin):
    list_display = ("date", "name", "is_workday", "year")
    list_filter = ("is_workday", "year")
    search_fields = ("name",)
    date_hierarchy = "date"
