"""The engine's messages in the language of the request."""

from django.utils.translation import gettext

from benchlearn.engine.messages import VERBATIM, Message


def translate_message(message: Message) -> str:
    """``message`` in the active language; parameters that are messages are translated
    first. Templates missing from the catalogue stay English."""
    params = {
        name: translate_message(value) if isinstance(value, Message) else value
        for name, value in message.params.items()
    }
    template = message.template if message.template == VERBATIM else gettext(message.template)
    return template % params
