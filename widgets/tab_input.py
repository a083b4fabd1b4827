"""An Input for forms whose fields follow one another (the login form).

Keys that arrive in one burst — a paste, a password manager's auto-type
("login⇥password⏎") — reach Textual as one paste, which Input would put whole in the
first field. Here each tab moves on to the next field of the screen, and a final
newline submits, as the same keys typed one by one would.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input


class TabInput(Input):
    def _on_paste(self, event: events.Paste) -> None:
        text = event.text
        if "\t" not in text:
            return  # Input's own paste (its first line at the cursor)
        event.prevent_default()
        event.stop()
        submit = text.endswith(("\n", "\r"))
        parts = text.rstrip("\r\n").split("\t")
        chain = [w for w in self.screen.focus_chain if isinstance(w, Input)]
        fields = chain[chain.index(self) :] if self in chain else [self]
        filled = list(zip(fields, parts, strict=False))
        for field, part in filled:
            field.value = part.splitlines()[0] if part else ""
            field.cursor_position = len(field.value)
        last = filled[-1][0]
        following = fields[len(filled)] if len(fields) > len(filled) else last
        (last if submit else following).focus()
        if submit:
            last.call_later(last.action_submit)
