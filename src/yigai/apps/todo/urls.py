from django.urls import path

from yigai.apps.todo import views

app_name = "todo"
urlpatterns = [
    path("", views.todo, name="index"),
    path("reminders/read/", views.reminders_read, name="reminders_read"),
    path("notices/", views.notice_list, name="notices"),
]
