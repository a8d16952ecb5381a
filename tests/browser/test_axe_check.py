"""The accessibility helper itself: it must fail on a page that is plainly inaccessible."""

import pytest

from tests.browser.conftest import axe_check

pytestmark = pytest.mark.browser


def test_axe_check_reports_serious_violations(page):
    page.set_content("<html><head><title>t</title></head><body><img src='x.png'></body></html>")
    with pytest.raises(AssertionError) as failure:
        axe_check(page)
    message = str(failure.value)
    assert "html-has-lang" in message
    assert "image-alt" in message
    assert "img" in message  # the offending node is named
