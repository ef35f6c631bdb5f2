from django.urls import path

from yigai.apps.assessment import views

app_name = "assessment"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.edit, name="new"),
    path("<str:key>/edit/", views.edit, name="edit"),
    path("<str:key>/compare/", views.stage_compare, name="compare"),
    path("objections/<int:pk>/reply/", views.reply, name="reply"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
    path("<str:key>/<str:stage>/", views.results, name="results"),
    path("<str:key>/<str:stage>/freeze/", views.freeze, name="freeze"),
    path("<str:key>/<str:stage>/export.xlsx", views.export, name="export"),
    path("<str:key>/<str:stage>/<str:unit>/", views.explain, name="explain"),
    path("<str:key>/<str:stage>/<str:unit>/self/", views.self_assess, name="self"),
    path("<str:key>/<str:stage>/<str:unit>/objection/", views.objection, name="objection"),
    path("<str:key>/<str:stage>/<str:unit>/mark/", views.mark, name="mark"),
]
