from django.urls import path

from yigai.apps.ledger import board_views, views

app_name = "ledger"
urlpatterns = [
    path("", views.index, name="index"),
    path("plan/<int:plan_id>/", views.item_list, name="items"),
    path("plan/<int:plan_id>/board/", board_views.warning_board, name="board"),
    path("plan/<int:plan_id>/timeline/", board_views.timeline, name="timeline"),
    path("plan/<int:plan_id>/export.xlsx", board_views.export, name="export"),
    path("import/", board_views.upload, name="upload"),
    path("import/confirm/", board_views.confirm, name="confirm"),
    path("items/<str:code>/", views.item_detail, name="item"),
    path("items/<str:code>/action/", views.item_action, name="action"),
    path("items/<str:code>/report/", views.item_report, name="report"),
    path("items/<str:code>/notice/", views.notice_issue, name="notice"),
    path("items/<str:code>/notices/<int:notice_id>/reply/", views.notice_reply, name="reply"),
    path("evidence/<int:evidence_id>/", views.evidence_download, name="evidence"),
]
