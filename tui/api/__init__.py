"""The GLPI API client: no Textual, no Rich — pydantic models are the boundary.

Import from the submodule that holds a name (`models`, `errors`, `client`, `urls`,
`text`, …): the package itself re-exports nothing, so there is no second list of names
to keep in step, and the login screen gets its URL helpers and error types without
paying for httpx and pydantic before the first paint.
"""

import sys
import types

# httpx imports its command-line tool (click, pygments, rich) when those are installed,
# which they are beside Textual: ~50 ms and Rich in a package that must stay free of it.
# The tool is never used here, so a stub stands in for it.
if "httpx" not in sys.modules and "httpx._main" not in sys.modules:
    _stub = types.ModuleType("httpx._main")
    _stub.main = lambda *args, **kwargs: None  # type: ignore[attr-defined]
    sys.modules["httpx._main"] = _stub
