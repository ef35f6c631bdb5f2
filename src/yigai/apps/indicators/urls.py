from django.urls import path

from yigai.apps.indicators import views

app_name = "indicators"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("entry/", views.entry, name="entry"),
    path("approve/", views.approve, name="approve"),
    path("targets/", views.targets, name="targets"),
    path("targets/<int:target_id>/link/", views.target_link, name="target_link"),
    path("import/", views.import_values, name="import"),
]
