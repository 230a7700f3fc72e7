from django.urls import path

from gonghui.jobs import views

urlpatterns = [
    path("imports/<slug:subject>/", views.import_start, name="import"),
    path("imports/<slug:subject>/template/", views.import_template, name="import_template"),
    path("exports/<slug:subject>/", views.export_start, name="export"),
    path("jobs/", views.job_list, name="jobs"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/cancel/", views.job_cancel, name="job_cancel"),
    path("jobs/<int:pk>/file/", views.job_file, name="job_file"),
]
