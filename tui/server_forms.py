"""The helpdesk's own forms, whichever GLPI serves them: Formcreator's REST API on 10,
the native forms' web routes on 11. Screens ask here, never which version it is."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cebox_support.tui.api.client import GlpiClient
    from cebox_support.tui.forms.server import FormSummary, ServerForm


@dataclass(frozen=True)
class FormsSource:
    """Reading a server's forms: the catalogue and one form, cached per server."""

    load_catalogue: Callable[[GlpiClient], Awaitable[list[FormSummary] | None]]
    cached_catalogue: Callable[[GlpiClient], tuple[bool | None, list[FormSummary]]]
    load_form: Callable[[GlpiClient, FormSummary], Awaitable[ServerForm]]
    cached_form: Callable[[GlpiClient, int], ServerForm | None]
    native: bool


def forms_source(client: GlpiClient) -> FormsSource:
    if (client.glpi_major or 10) >= 11:
        from cebox_support.tui.api import native_forms as n

        return FormsSource(
            n.load_catalogue, n.cached_catalogue_forms, n.load_form, n.cached_form, True
        )
    from cebox_support.tui.api import formcreator as f

    return FormsSource(f.load_catalogue, f.cached_catalogue, f.load_form, f.cached_form, False)
