"""Files the server did not keep (issue 14): how to say so, and the compressed copy.

A default GLPI refuses `.log` but accepts `.gz`: `qgaAgent.log` can reach the support as
`qgaAgent.log.gz`. The copy is streamed (logs can be large) into a private temporary
folder; the user's file is never touched. Shared by the console and `reply`, so no
Textual here.
"""

from __future__ import annotations

import gzip
import shutil
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cebox_support.tui.api.errors import GlpiError
from cebox_support.tui.api.models import RefusedFile
from cebox_support.tui.i18n import _

if TYPE_CHECKING:
    from cebox_support.tui.api.client import GlpiClient
    from cebox_support.tui.api.models import UploadOutcome
    from cebox_support.tui.session import Workspace


def gzip_copy(path: Path, folder: Path | None = None) -> Path:
    """`path` compressed as `<name>.gz` in `folder` (default: a new private temp folder)."""
    folder = folder or Path(tempfile.mkdtemp(prefix="cebox-gz-"))
    target = folder / f"{Path(path).name}.gz"
    with open(path, "rb") as source, gzip.open(target, "wb") as out:
        shutil.copyfileobj(source, out, 1024 * 1024)
    return target


def not_kept(refused: Sequence[RefusedFile]) -> str:
    """ "qgaAgent.log was not accepted by the server (type .log refused)", for each file."""
    return "; ".join(
        _("{name} was not accepted by the server ({reason})").format(
            name=r.name, reason=r.reason_text
        )
        for r in refused
    )


@dataclass
class CompressedResend:
    sent: list[str] = field(default_factory=list)
    """Names of the compressed copies the server kept."""
    failed: list[RefusedFile] = field(default_factory=list)
    """Files still not on the server (refused again, or not compressible), and why."""


async def send_compressed(
    workspace: Workspace, ticket_id: int, refused: Sequence[RefusedFile], paths: Sequence[Path]
) -> CompressedResend:
    """Send a .gz copy of each file refused for its type, linked to the ticket (one
    document each; a refused linked upload leaves nothing behind)."""
    by_name = {Path(p).name: Path(p) for p in paths}
    result = CompressedResend()
    for file in refused:
        path = by_name.get(file.name)
        if path is None or not file.compressible:
            result.failed.append(file)
            continue
        try:
            copy = gzip_copy(path)
        except OSError as exc:
            result.failed.append(
                RefusedFile(name=file.name, reason=str(exc.strerror or exc), kind="other")
            )
            continue
        try:
            outcome = await workspace.call(_upload(ticket_id, copy))
        except GlpiError as error:
            result.failed.append(RefusedFile(name=copy.name, reason=error.message))
            continue
        finally:
            shutil.rmtree(copy.parent, ignore_errors=True)
        if outcome.kept:
            result.sent.append(copy.name)
        else:
            result.failed.extend(outcome.refused or [RefusedFile(name=copy.name, reason="")])
    return result


def _upload(ticket_id: int, copy: Path) -> Callable[[GlpiClient], Awaitable[UploadOutcome]]:
    def call(client: GlpiClient) -> Awaitable[UploadOutcome]:
        return client.upload_document_outcome(ticket_id, copy)

    return call
