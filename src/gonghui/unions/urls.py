from django.urls import path

from gonghui.unions import views

app_name = "unions"
urlpatterns = [
    path("unions/", views.union_list, name="list"),
    path("unions/new/", views.union_create, name="create"),
    path("unions/<int:pk>/", views.union_detail, name="detail"),
    path("unions/<int:pk>/edit/", views.union_edit, name="edit"),
    path("unions/<int:pk>/move/", views.union_move, name="move"),
    path("unions/<int:pk>/pool/", views.union_pool, name="pool"),
    path("unions/<int:pk>/merge/", views.union_close, {"how": "merge"}, name="merge"),
    path("unions/<int:pk>/dissolve/", views.union_close, {"how": "dissolve"}, name="dissolve"),
    path("employers/", views.employer_list, name="employers"),
    path("employers/new/", views.employer_create, name="employer_create"),
    path("employers/<int:pk>/", views.employer_detail, name="employer"),
    path("employers/<int:pk>/edit/", views.employer_edit, name="employer_edit"),
]
