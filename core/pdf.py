"""PDF documents from the portal's own templates (the meeting package, approved minutes), and
the one way a generated file leaves the portal.

WeasyPrint turns HTML and print CSS into PDF. It needs the Pango system library
(`libpango-1.0-0`, `libpangoft2-1.0-0` on Debian); without it `import weasyprint` raises
OSError. It is imported here, lazily and only here, so that a machine without Pango runs every
other page, and the pages that would make a PDF say plainly what is missing (`unavailable`).
"""

import functools
import logging

from django.http import FileResponse, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)

SYSTEM_LIBRARY = "Pango (libpango-1.0-0, libpangoft2-1.0-0)"


class PdfUnavailable(Exception):
    """WeasyPrint cannot be loaded on this machine; `detail` is what the import said."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


def load_weasyprint():
    """The `weasyprint` module. Raises PdfUnavailable when it (or its system library) is not
    installed. Tests replace this function to play a machine without Pango."""
    try:
        import weasyprint
    except (OSError, ImportError) as error:
        raise PdfUnavailable(str(error).splitlines()[0] if str(error) else repr(error)) from error
    return weasyprint


@functools.cache
def _check(loader) -> str:
    """What `loader` says is missing ("" when nothing), asked once per process and loader: a
    failed import is not tried again on every page."""
    try:
        loader()
    except PdfUnavailable as error:
        log.warning("PDF documents are unavailable: %s", error.detail)
        return error.detail
    return ""


def unavailable() -> str:
    """ "" when PDFs can be made here; otherwise, in the active language, what is missing."""
    if not _check(load_weasyprint):
        return ""
    return _(
        "PDF documents cannot be made on this server: the PDF engine (WeasyPrint) needs the "
        "system library %(library)s, which is not installed. Ask the portal's administrators "
        "to install it; the rest of the portal works without it."
    ) % {"library": SYSTEM_LIBRARY}


def render_pdf(template: str, context: dict, *, language: str) -> bytes:
    """The template rendered in `language` and printed to PDF (tagged, so headings and lists
    reach assistive technology). Raises PdfUnavailable without WeasyPrint."""
    weasyprint = load_weasyprint()
    with translation.override(language):
        html = render_to_string(template, {**context, "language": language})
    return weasyprint.HTML(string=html, base_url=None).write_pdf(pdf_tags=True)


def protect(response):
    """The headers every downloaded file carries (as funding attachments): never displayed in
    the portal's origin, never sniffed, never cached by a shared cache."""
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def pdf_download(content, filename: str):
    """A PDF as an attachment: `content` is bytes or an open binary file."""
    if isinstance(content, bytes):
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    else:
        response = FileResponse(
            content, as_attachment=True, filename=filename, content_type="application/pdf"
        )
    return protect(response)
