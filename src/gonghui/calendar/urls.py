from django.urls import path

from gonghui.calendar import views

urlpatterns = [
    path("calendar/", views.calendar_years, name="calendar"),
    path("calendar/<int:year>/", views.calendar_year, name="calendar_year"),
]
