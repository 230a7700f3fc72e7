from django.urls import path

from gonghui.assistance import figures_views, views

app_name = "assistance"
urlpatterns = [
    path("hardship/", views.file_list, name="files"),
    path("hardship/new/", views.file_new, name="file_new"),
    path("hardship/reminders/", views.reminder_list, name="reminders"),
    path("hardship/figures/", figures_views.page, name="figures"),
    path("hardship/figures.xlsx", figures_views.xlsx, name="figures_xlsx"),
    path("hardship/<int:pk>/", views.file_detail, name="file"),
    path("hardship/<int:pk>/edit/", views.file_edit, name="file_edit"),
    path("hardship/<int:pk>/<slug:step>/", views.file_step, name="file_step"),
    path("assistance/", views.record_list, name="records"),
    path("assistance/new/", views.record_new, name="record_new"),
    path("assistance/<int:pk>/cancel/", views.record_cancel, name="record_cancel"),
    path("campaigns/", views.campaign_list, name="campaigns"),
    path("campaigns/new/", views.campaign_new, name="campaign_new"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/allocate/", views.campaign_allocate, name="campaign_allocate"),
    path("campaigns/<int:pk>/distribute/", views.campaign_distribute, name="distribute"),
]
