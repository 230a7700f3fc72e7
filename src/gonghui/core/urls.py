from django.urls import path

from gonghui.core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("imports/<slug:subject>/", views.import_start, name="import"),
    path("imports/<slug:subject>/template/", views.import_template, name="import_template"),
    path("exports/<slug:subject>/", views.export_start, name="export"),
    path("jobs/", views.job_list, name="jobs"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/file/", views.job_file, name="job_file"),
    path("calendar/", views.calendar_years, name="calendar"),
    path("calendar/<int:year>/", views.calendar_year, name="calendar_year"),
]
