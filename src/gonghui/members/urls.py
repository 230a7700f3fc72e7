from django.urls import path

from gonghui.members import views

app_name = "members"
urlpatterns = [
    path("join/", views.join, name="join"),
    path("join/status/", views.join_status, name="join_status"),
    path("members/", views.member_list, name="list"),
    path("members/applications/", views.applications, name="applications"),
    path("members/applications/approve/", views.approve, name="approve"),
    path("members/applications/<int:pk>/reject/", views.reject, name="reject"),
]
