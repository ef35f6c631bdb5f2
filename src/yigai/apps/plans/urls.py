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
    path("targets/<int:target_id>/edit/", views.target_edit, name="target_edit"),
    path("targets/<int:target_id>/delete/", views.target_delete, name="target_delete"),
    path("<str:ref>/", views.plan_detail, name="detail"),
    path("<str:ref>/preview/", views.plan_preview, name="preview"),
    path("<str:ref>/region/", views.plan_region, name="region"),
    path("<str:ref>/targets/add/", views.target_add, name="target_add"),
    path("<str:ref>/publish/", views.plan_publish, name="publish"),
    path("<str:ref>/link/", views.plan_link, name="link"),
    path("<str:ref>/merge/", views.task_merge, name="merge"),
]
