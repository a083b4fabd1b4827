"""The file types a default GLPI accepts, shared by the client and the embedded helpdesk.

A Self-Service account cannot read the server's list (DocumentType needs a config
right), and a linked upload GLPI refuses answers only "File X not found." without the
reason: the default list is the best guess of why, and the helpdesk's own setting.
"""

from __future__ import annotations

#: The document types a fresh GLPI 10.0.12 marks "uploadable" (Setup > Dropdowns >
#: Document types): ``.log``, ``.7z``, ``.json``, ``.evtx`` and ``.webp`` are not among them.
DEFAULT_UPLOAD_EXTENSIONS = tuple(
    [
        "ai",
        "aiff",
        "asf",
        "avi",
        "bmp",
        "bz2",
        "c",
        "csv",
        "deb",
        "djvu",
        "doc",
        "docx",
        "dvi",
        "eps",
        "gif",
        "gz",
        "h",
        "html",
        "jpeg",
        "jpg",
        "mid",
        "mng",
        "mov",
        "mp3",
        "mpg",
        "odb",
        "odc",
        "odf",
        "odg",
        "odi",
        "odm",
        "odp",
        "ods",
        "odt",
        "ogg",
        "otg",
        "oth",
        "otp",
        "ots",
        "ott",
        "pas",
        "pdf",
        "png",
        "ppt",
        "pptx",
        "ps",
        "psd",
        "qt",
        "ra",
        "ram",
        "rm",
        "rpm",
        "rtf",
        "sdd",
        "sdw",
        "sit",
        "svg",
        "swf",
        "sxc",
        "sxi",
        "sxw",
        "tex",
        "tgz",
        "tif",
        "txt",
        "wav",
        "wmv",
        "xcf",
        "xls",
        "xlsx",
        "xml",
        "zip",
    ]
)


def refused_for_type(name: str) -> bool:
    """Whether a default GLPI would refuse `name` for its type (no extension, or one that
    is not uploadable)."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return extension not in DEFAULT_UPLOAD_EXTENSIONS
