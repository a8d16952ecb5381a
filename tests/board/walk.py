"""The board's objects named by the URL × role walk (tests/test_url_walk.py)."""

from benchlearn.board.models import Attachment, Post
from benchlearn.board.services import thread_create
from tests.board.conftest import PDF, upload


def board_parameters(group, author) -> dict[str, str]:
    """A thread of the group's board opened by ``author`` (participant A) with a file."""
    thread = thread_create(
        group=group, by=author, title="Wątek", body="Treść", files=[upload("a.pdf", PDF)]
    )
    post = Post.objects.get(thread=thread)
    return {
        "thread_id": str(thread.pk),
        "post_id": str(post.pk),
        "file_id": str(Attachment.objects.get(post=post).pk),
    }
