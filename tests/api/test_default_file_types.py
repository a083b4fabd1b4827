"""The 72 types a fresh GLPI marks uploadable, written down here from the facts sheet
(shared/docs/glpi-api.md, "Uploads the server refuses") and not from the code: the
client's guess of a refusal and the helpdesk's own setting share one tuple, so only a
list kept apart from it can tell when that tuple drifts from the real server."""

from __future__ import annotations

from cebox_support.tui.api.filetypes import DEFAULT_UPLOAD_EXTENSIONS, refused_for_type
from cebox_support.tui.helpdesk.store import Store

FACTS_SHEET = (  # as the facts sheet writes it
    "ai aiff asf avi bmp bz2 c csv deb djvu doc docx dvi eps gif gz h html jpeg jpg mid mng "
    "mov mp3 mpg odb odc odf odg odi odm odp ods odt ogg otg oth otp ots ott pas pdf png ppt "
    "pptx ps psd qt ra ram rm rpm rtf sdd sdw sit svg swf sxc sxi sxw tex tgz tif txt wav wmv "
    "xcf xls xlsx xml zip"
)
RECORDED = FACTS_SHEET.split()


def test_the_recorded_list_has_72_types() -> None:
    assert len(RECORDED) == len(set(RECORDED)) == 72


def test_the_shared_tuple_is_the_recorded_list() -> None:
    assert sorted(DEFAULT_UPLOAD_EXTENSIONS) == sorted(RECORDED)


def test_the_client_guesses_a_type_refusal_exactly_outside_the_list() -> None:
    for extension in RECORDED:
        assert not refused_for_type(f"capture.{extension}"), extension
        assert not refused_for_type(f"CAPTURE.{extension.upper()}"), extension
    for extension in ("log", "7z", "json", "evtx", "webp"):
        assert refused_for_type(f"qgaAgent.{extension}"), extension


def test_a_fresh_helpdesk_accepts_the_recorded_list() -> None:
    store = Store()
    assert sorted(store.upload_extensions) == sorted(RECORDED)
