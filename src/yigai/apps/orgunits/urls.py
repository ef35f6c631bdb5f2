from django.urls import path

from yigai.apps.orgunits import views

app_name = "orgunits"
urlpatterns = [
    path("", views.orgunit_tree, name="tree"),
    path("population/", views.population_import, name="population"),
]
