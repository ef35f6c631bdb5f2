from django.urls import path

from yigai.apps.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("import/", views.plan_import, name="import"),
    path("tasks/", views.task_list, name="tasks"),
    path("tasks/<int:task_id>/", views.task_card, name="task"),
    path("tasks/<int:task_id>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<int:task_id>/split/", views.task_split, name="task_split"),
    path("<str:ref>/", views.plan_detail, name="detail"),
    path("<str:ref>/publish/", views.plan_publish, name="publish"),
    path("<str:ref>/link/", views.plan_link, name="link"),
    path("<str:ref>/merge/", views.task_merge, name="merge"),
]
