"""What an attachment really is, read from its first bytes rather than from its name.

Accepted: PDF, Office Open XML (docx, xlsx, pptx), OpenDocument (odt, ods, odp) and the legacy
OLE Office formats (doc, xls, ppt). The extension must agree with the content, so an HTML page
or a program renamed to `.pdf` is refused.
"""

import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .models import Attachment, clean_original_name

PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# extension -> (kind, content type, for OOXML the folder its main part lives in)
EXTENSIONS = {
    ".pdf": (Attachment.Kind.PDF, "application/pdf", None),
    ".docx": (
        Attachment.Kind.OOXML,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "word/",
    ),
    ".xlsx": (
        Attachment.Kind.OOXML,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xl/",
    ),
    ".pptx": (
        Attachment.Kind.OOXML,
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "ppt/",
    ),
    ".odt": (Attachment.Kind.ODF, "application/vnd.oasis.opendocument.text", None),
    ".ods": (Attachment.Kind.ODF, "application/vnd.oasis.opendocument.spreadsheet", None),
    ".odp": (Attachment.Kind.ODF, "application/vnd.oasis.opendocument.presentation", None),
    ".doc": (Attachment.Kind.OLE, "application/msword", None),
    ".xls": (Attachment.Kind.OLE, "application/vnd.ms-excel", None),
    ".ppt": (Attachment.Kind.OLE, "application/vnd.ms-powerpoint", None),
}
ACCEPT = ",".join(sorted(EXTENSIONS))


@dataclass(frozen=True)
class CheckedFile:
    upload: object
    original_name: str
    kind: str
    content_type: str
    size: int


def _head(upload, length=8) -> bytes:
    upload.seek(0)
    head = upload.read(length)
    upload.seek(0)
    return head


MIMETYPE_MAX = 100  # bytes: "application/vnd.oasis.opendocument.presentation" is 46


def _zip_matches(upload, extension, content_type, main_folder) -> bool:
    """An OOXML file has [Content_Types].xml and its main folder; an ODF file starts with a
    `mimetype` entry naming its type. Only the directory and that tiny entry are read."""
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if main_folder:
                return "[Content_Types].xml" in names and any(
                    n.startswith(main_folder) for n in names
                )
            info = archive.getinfo("mimetype") if "mimetype" in names else None
            if info is None or info.file_size > MIMETYPE_MAX or info.compress_size > MIMETYPE_MAX:
                return False
            # A bounded read: `archive.read()` would inflate the whole entry at once, however
            # much its data really expands to (its declared size may lie).
            with archive.open(info) as entry:
                text = entry.read(MIMETYPE_MAX + 1)
            return text.decode("ascii", "replace").strip() == content_type
    except (zipfile.BadZipFile, zlib.error, KeyError, OSError, RuntimeError, ValueError):
        return False
    finally:
        upload.seek(0)


MAX_ARCHIVE_ENTRIES = 5000


def _inflates_too_much(upload) -> bool:
    """True when the archive's entries add up to more than the inflation limit (or are too
    many). Only the central directory is read; nothing is decompressed here.

    The sizes it declares may lie, but nothing in the portal inflates more than they say:
    the only entry ever read (an OpenDocument `mimetype`) is read a few bytes at a time, and
    Python's zipfile stops at the declared size (and then fails on the CRC)."""
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            infos = archive.infolist()
            total = sum(info.file_size for info in infos)
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError):
        return False  # not a readable archive: refused below as not what it claims to be
    finally:
        upload.seek(0)
    limit = settings.PORTAL_ATTACHMENT_MAX_INFLATED_BYTES
    return total > limit or len(infos) > MAX_ARCHIVE_ENTRIES


def check_attachment(upload) -> CheckedFile:
    """Raise ValidationError with a message for the field, or describe the accepted file."""
    name = clean_original_name(getattr(upload, "name", ""))
    limit = settings.PORTAL_ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("“%(name)s” is %(size)s; attachments may be at most %(limit)s."),
            code="too_large",
            params={
                "name": name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(limit),
            },
        )
    if upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty."), code="empty", params={"name": name})
    extension = PurePath(name).suffix.lower()
    if extension not in EXTENSIONS:
        raise ValidationError(
            _("“%(name)s” is not an accepted format. Attach PDF or office documents (%(accept)s)."),
            code="format",
            params={"name": name, "accept": ", ".join(sorted(EXTENSIONS))},
        )
    kind, content_type, main_folder = EXTENSIONS[extension]
    head = _head(upload)
    if kind == Attachment.Kind.PDF:
        genuine = head.startswith(PDF_MAGIC)
    elif kind == Attachment.Kind.OLE:
        genuine = head.startswith(OLE_MAGIC)
    else:
        if head.startswith(ZIP_MAGIC) and _inflates_too_much(upload):
            raise ValidationError(
                _(
                    "“%(name)s” expands to more than %(limit)s when opened. Attach a PDF, or "
                    "remove the large embedded files."
                ),
                code="inflates",
                params={
                    "name": name,
                    "limit": filesizeformat(settings.PORTAL_ATTACHMENT_MAX_INFLATED_BYTES),
                },
            )
        genuine = head.startswith(ZIP_MAGIC) and _zip_matches(
            upload, extension, content_type, main_folder
        )
    if not genuine:
        raise ValidationError(
            _(
                "“%(name)s” does not contain what its name says (%(extension)s). Export it "
                "again from the application that made it, or attach a PDF."
            ),
            code="disguised",
            params={"name": name, "extension": extension},
        )
    return CheckedFile(
        upload=upload, original_name=name, kind=kind, content_type=content_type, size=upload.size
    )
