from django.urls import path

from gonghui.stats import views

urlpatterns = [
    path("", views.home, name="home"),
]
