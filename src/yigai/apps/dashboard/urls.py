from django.urls import path

from yigai.apps.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.index, name="index"),
    path("map-data/", views.map_data, name="map_data"),
    path("geometry/", views.geometry, name="geometry"),
    path("scorecards/", views.scorecard_page, name="scorecards"),
    path("scorecards/export/", views.scorecard_export, name="scorecards_export"),
    path("briefing/", views.briefing, name="briefing"),
]
