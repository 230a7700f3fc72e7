from django.urls import path

from gonghui.cases import figures_views, public, views

app_name = "cases"
urlpatterns = [
    path("12351/", public.report, name="report"),
    path("12351/status/", public.status, name="report_status"),
    path("cases/", views.case_list, name="list"),
    path("cases/new/", views.case_new, name="new"),
    path("cases/figures/", figures_views.page, name="figures"),
    path("cases/deadlines/", views.deadline_rules, name="deadlines"),
    path("cases/figures.xlsx", figures_views.xlsx, name="figures_xlsx"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/edit/", views.case_edit, name="edit"),
    path("cases/<int:pk>/<slug:step>/", views.case_step, name="step"),
]
