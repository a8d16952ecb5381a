from django.urls import path

from benchlearn.board import views

urlpatterns = [
    path("board/notifications/", views.board_preference, name="board-preference"),
    path("<int:group_id>/board/", views.board, name="board"),
    path("<int:group_id>/board/new/", views.thread_new, name="board-thread-new"),
    path("<int:group_id>/board/<int:thread_id>/", views.thread_detail, name="board-thread"),
    path(
        "<int:group_id>/board/<int:thread_id>/pin/", views.thread_pin_view, name="board-thread-pin"
    ),
    path(
        "<int:group_id>/board/posts/<int:post_id>/edit/",
        views.post_edit_view,
        name="board-post-edit",
    ),
    path(
        "<int:group_id>/board/posts/<int:post_id>/delete/",
        views.post_delete_view,
        name="board-post-delete",
    ),
    path(
        "<int:group_id>/board/files/<int:file_id>/",
        views.attachment_download,
        name="board-attachment",
    ),
]
