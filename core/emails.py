"""E-mails are a triple of templates, `emails/<name>-subject.txt`, `-body.txt` and
`-body.html`, rendered in the recipient's language by this one helper."""

import re
import uuid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import translation

from core.paths import portal_path


def language_of(user) -> str:
    profile = getattr(user, "profile", None)
    lang = getattr(profile, "preferred_language", None) or settings.LANGUAGE_CODE
    return lang if lang in ("en", "fr") else "en"


def render_plain(template_name: str, context: dict) -> str:
    """A plain-text template rendered without HTML escaping: subjects and text parts are not
    HTML, so a title like "Youth & elders' <pilot>" must arrive as typed (issue 14)."""
    return get_template(template_name).template.render(Context(context, autoescape=False))


# Line breaks, tabs and runs of ordinary spaces: what a template's layout adds to a subject.
# Not the no-break space (U+00A0, U+202F) French typography puts before ":" and inside « »,
# which str.split() would have turned into an ordinary space.
_LAYOUT_SPACE = re.compile(r"[ \t\r\n\f\v]+")


def one_line(text: str) -> str:
    """A subject or headline on one line, its no-break spaces kept."""
    return _LAYOUT_SPACE.sub(" ", text).strip(" ")


def render_email(name: str, context: dict, language: str) -> tuple[str, str, str]:
    with translation.override(language):
        ctx = {
            "base_url": settings.PORTAL_BASE_URL,
            "language": language,
            "preferences_url": portal_path("notifications:preferences", language),
            **context,
        }
        subject = one_line(render_plain(f"emails/{name}-subject.txt", ctx))
        text = render_plain(f"emails/{name}-body.txt", ctx)
        html = render_to_string(f"emails/{name}-body.html", ctx)
    return subject, text, html


class Email(EmailMultiAlternatives):
    """A text e-mail with its HTML alternative, whose MIME boundary is a random UUID: the
    e-mail library otherwise makes one and compiles a regular expression to check it against
    the whole message, a new pattern per e-mail that pushes the ones it reuses out of Python's
    pattern cache (a fifth of the time to serialise a sweep's e-mails)."""

    def message(self, *args, **kwargs):
        msg = super().message(*args, **kwargs)
        if msg.is_multipart():
            msg.set_boundary(f"=_{uuid.uuid4().hex}")
        return msg


def build_email(name: str, *, to_user, context: dict, language=None):
    """The e-mail `send_email` sends, rendered and ready (None when the person has no
    address): a sender of many opens one mail-server connection and sends each on it."""
    if not to_user.email:
        return None
    language = language if language in ("en", "fr") else language_of(to_user)
    subject, text, html = render_email(name, {"recipient": to_user, **context}, language)
    message = Email(subject, text, settings.DEFAULT_FROM_EMAIL, [to_user.email])
    message.attach_alternative(html, "text/html")
    message.extra_headers["Content-Language"] = language
    return message


def send_email(name: str, *, to_user, context: dict, fail_silently=False, language=None) -> int:
    """Send one e-mail to one person in their language (or `language`). Returns the number
    sent (0 or 1)."""
    message = build_email(name, to_user=to_user, context=context, language=language)
    return message.send(fail_silently=fail_silently) if message is not None else 0
