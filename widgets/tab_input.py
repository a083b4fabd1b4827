"""Fields that follow one another, filled as fast as keys arrive (login, ticket forms).

Keys that arrive in one burst — a paste, a password manager's auto-type
("login⇥password⏎"), tmux's send-keys — must land field by field, as the same keys
typed one by one would:
- as a paste, Input would put them whole in the first field: `TabInput` moves each
  tab's part on to the next field of the screen, and a final newline submits;
- as single keys, Textual hands each key to the widget focused when it arrives, before
  the tab ahead of it has moved the focus: `FIELD_BY_FIELD` makes Tab and Shift+Tab
  priority bindings, handled as they arrive, so the keys after a tab go to the next field.
"""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.widgets import Input

# Tab is Textual's own key (no description: listed in no key bar, help or palette).
FIELD_BY_FIELD = [
    Binding("tab", "app.focus_next", show=False, priority=True, id="form.next_field"),
    Binding("shift+tab", "app.focus_previous", show=False, priority=True, id="form.previous_field"),
]


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
