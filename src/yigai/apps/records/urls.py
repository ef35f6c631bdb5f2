from django.urls import path

from yigai.apps.records import views

app_name = "records"
urlpatterns = [
    path("", views.index, name="index"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
]
