"""`GlpiClient`: the one client screens and commands call, for GLPI 10 and 11.

Written against the behaviour of real GLPI 10.0 and 11.0 servers (docs/glpi-api.md in
the shared notes), quirks included. Each GLPI area is a module of its own, stacked on
`transport` (requests, deadlines, caps, errors) and `base` (what the session learned,
GLPI's texts and dates): a behaviour is one hop from here, in the area that names it.
"""

from __future__ import annotations

from cebox_support.tui.api.documents import DocumentsArea
from cebox_support.tui.api.followups import FollowupsArea
from cebox_support.tui.api.password import PasswordArea
from cebox_support.tui.api.session import SessionArea
from cebox_support.tui.api.tickets import TicketsArea


class GlpiClient(SessionArea, TicketsArea, FollowupsArea, DocumentsArea, PasswordArea):
    """One logged-in (or not yet) conversation with a GLPI server.

    | area | module | what |
    | --- | --- | --- |
    | session | `session.py` | sign-in, resume, sign-out, version, time zone, settings |
    | tickets | `tickets.py` | search and paging, one ticket, creating one |
    | follow-ups | `followups.py` | replies, an uncertain reply, approving or refusing |
    | documents | `documents.py` | uploads and their outcome, REST and web downloads |
    | password | `password.py` | the API change, else GLPI's web page |

    The Formcreator forms (`formcreator.py`) and GLPI 11's native forms (`native_forms.py`,
    over the web routes) are functions and a class that take this client.
    """

    def __repr__(self) -> str:
        return f"GlpiClient({self.api_url!r}, logged_in={self.logged_in})"
