"""A live checklist of the server's password policy, so nothing is sent that GLPI refuses."""

from __future__ import annotations

from cebox_support.tui.api.models import PasswordPolicy
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label


class PasswordChecklist(Vertical):
    """One line per rule of the policy, marked met or unmet as the user types."""

    DEFAULT_CSS = """
    PasswordChecklist {
        height: auto;
    }
    PasswordChecklist > Label {
        width: 100%;
    }
    """

    def __init__(
        self,
        policy: PasswordPolicy | None = None,
        *,
        id: str | None = None,  # noqa: A002 - Textual's own parameter name
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.policy = policy or PasswordPolicy()
        self.password = ""

    def compose(self) -> ComposeResult:
        yield from self._labels()

    def _labels(self) -> list[Label]:
        labels = []
        for text, met in self.policy.rules(self.password):
            label = Label(_mark(text, met), markup=False, classes="-met" if met else "-unmet")
            labels.append(label)
        return labels

    @property
    def all_met(self) -> bool:
        return all(met for _text, met in self.policy.rules(self.password))

    def unmet(self) -> list[str]:
        return [text for text, met in self.policy.rules(self.password) if not met]

    def set_policy(self, policy: PasswordPolicy) -> None:
        self.policy = policy
        self._refresh_rules()

    def check(self, password: str) -> None:
        self.password = password
        self._refresh_rules()

    def _refresh_rules(self) -> None:
        rules = self.policy.rules(self.password)
        labels = list(self.query_children(Label))
        if len(labels) != len(rules):
            self.remove_children()
            self.mount_all(self._labels())
            return
        for label, (text, met) in zip(labels, rules, strict=True):
            label.update(_mark(text, met))
            label.set_class(met, "-met")
            label.set_class(not met, "-unmet")


def _mark(text: str, met: bool) -> str:
    return f"{'✓' if met else '✗'} {text}"
