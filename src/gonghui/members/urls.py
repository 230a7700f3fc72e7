from django.urls import path

from gonghui.members import views

app_name = "members"
urlpatterns = [
    path("join/", views.join, name="join"),
    path("join/status/", views.join_status, name="join_status"),
    path("members/", views.member_list, name="list"),
    path("members/<int:pk>/", views.member_detail, name="detail"),
    path("members/<int:pk>/reveal/", views.member_reveal, name="reveal"),
    path("members/<int:pk>/status/", views.member_status, name="status"),
    path("members/<int:pk>/transfer/", views.member_transfer, name="transfer"),
    path("members/applications/", views.applications, name="applications"),
    path("members/applications/approve/", views.approve, name="approve"),
    path("members/applications/<int:pk>/reject/", views.reject, name="reject"),
    path("members/transfers/", views.transfers, name="transfers"),
    path("members/transfers/<int:pk>/release/", views.transfer_release, name="transfer_release"),
    path("members/transfers/<int:pk>/receive/", views.transfer_receive, name="transfer_receive"),
    path("members/transfers/<int:pk>/reject/", views.transfer_reject, name="transfer_reject"),
    path("members/reveals/", views.reveal_log, name="reveals"),
    path("members/phone-release/", views.phone_release, name="phone_release"),
]
