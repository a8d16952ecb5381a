"""A post's plain text on the page: escaped, its links made clickable and its line
breaks kept, by Django's own escaping functions (no HTML of the author's ever reaches
the page)."""

from django import template
from django.utils.html import linebreaks, urlize
from django.utils.safestring import SafeString

register = template.Library()


@register.filter(is_safe=True)
def board_text(text: str) -> SafeString:
    # urlize escapes the text around the links it makes (autoescape=True); linebreaks
    # then only adds <p> and <br> to what is already safe.
    linked = urlize(str(text), trim_url_limit=80, nofollow=True, autoescape=True)
    return SafeString(linebreaks(linked, autoescape=False))
