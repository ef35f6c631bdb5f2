from django.urls import path

from yigai.apps.access import views

app_name = "access"
urlpatterns = [
    path("", views.index, name="index"),
    path("points/", views.points, name="points"),
]
