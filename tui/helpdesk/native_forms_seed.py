"""The native forms of the 11.0 helpdesk, with the ids and uuids of the transcript
(``shared/docs/glpi11-forms-transcript.md``): GLPI's two default forms (1, 2), the ceBox
forms (3, 4: the notice's checklist), an inactive form (5), a form for Super-Admins
(6), a direct-link-only form (7, token ``cebox-direct-token-0123456789``), and a form
for technicians in a category of its own (8)."""

from __future__ import annotations

import json
from typing import Any

from .native_forms import (
    ALLOW_LIST,
    CONTENT_FIELD,
    DATETIME,
    DIRECT_ACCESS,
    DROPDOWN,
    EMAIL,
    FILE,
    ITEM_DROPDOWN,
    LONG_TEXT,
    NUMBER,
    OBSERVER,
    SHORT_TEXT,
    TICKET_DESTINATION,
    TITLE_FIELD,
    TYPE_FIELD,
    URGENCY,
    URGENCY_FIELD,
    USER_DEVICE,
    NativeForms,
    new_uuid,
)

DIRECT_TOKEN = "cebox-direct-token-0123456789"
INCIDENT_TYPES = {
    "6140b589-5be8-4d09-bd4a-ca3ec982fe87": "Panne totale",
    "dd265640-c671-4fd7-a9f9-b0445aa2ebe5": "Lenteur",
    "1415b5d1-c793-43fb-93c6-d6ace4789cfa": "Perte de connexion",
    "5b0e8a6e-3f43-4c47-9a55-0d6a4b3e2c01": "Console d'administration",
    "0c7d1f3a-8e8b-4a52-b7a4-2f1de0c5a902": "Intégration au domaine / renommage",
    "a4f6b2c8-1d3e-4f5a-8b9c-0d1e2f3a4b03": "Impression",
    "e9d8c7b6-a5f4-4e3d-9c2b-1a0f9e8d7c04": "Autre",
}
LOST_CONNECTION = "1415b5d1-c793-43fb-93c6-d6ace4789cfa"
REQUEST_TYPES = {
    "3b6a1f0e-5c2d-4e8f-9a7b-6c5d4e3f2a11": "Création de compte",
    "4c7b2a1f-6d3e-4f9a-8b8c-7d6e5f4a3b12": "Modification de configuration",
    "5d8c3b2a-7e4f-4a0b-9c9d-8e7f6a5b4c13": "Renseignement",
    "6e9d4c3b-8f5a-4b1c-8d0e-9f8a7b6c5d14": "Autre",
}
SERVICES = {
    "7f0e5d4c-9a6b-4c2d-9e1f-0a9b8c7d6e15": "ceBox",
    "8a1f6e5d-0b7c-4d3e-8f2a-1b0c9d8e7f16": "Console",
    "9b2a7f6e-1c8d-4e4f-9a3b-2c1d0e9f8a17": "Domaine",
    "0c3b8a7f-2d9e-4f5a-8b4c-3d2e1f0a9b18": "Impression",
}
EVERYONE = {"user_ids": ["all"], "group_ids": [], "profile_ids": []}


def _tag(question_id: int, name: str) -> dict[str, str]:
    return {
        "value": f'<span data-form-tag="true" data-form-tag-value="{question_id}"'
        f' data-form-tag-provider="Glpi\\Form\\Tag\\AnswerTagProvider">#Answer: {name}</span>'
    }


class _Seeder:
    def __init__(self, forms: NativeForms) -> None:
        self.forms = forms
        self.store = forms.store
        self.now = self.store.clock.now_str()

    def form(self, form_id: int, name: str, *, uuid: str | None = None, **values: Any) -> int:
        row = {
            "id": form_id,
            "uuid": uuid or new_uuid(),
            "entities_id": 0,
            "is_recursive": 1,
            "is_active": 1,
            "name": name,
            "date_mod": self.now,
            "date_creation": self.now,
            **values,
        }
        return self.store.insert("glpi_forms_forms", row)

    def section(
        self, section_id: int, form_id: int, uuid: str, name: str = "First section", rank: int = 0
    ) -> int:
        return self.store.insert(
            "glpi_forms_sections",
            {
                "id": section_id,
                "uuid": uuid,
                "forms_forms_id": form_id,
                "name": name,
                "rank": rank,
            },
        )

    def question(
        self,
        question_id: int,
        section_id: int,
        rank: int,
        kind: str,
        name: str,
        *,
        uuid: str | None = None,
        mandatory: bool = False,
        extra: Any = None,
        description: str | None = None,
        default: str | None = None,
        conditions: list[dict[str, Any]] | None = None,
        validation: list[dict[str, Any]] | None = None,
    ) -> int:
        section_uuid = self.store.scalar(
            "SELECT uuid FROM glpi_forms_sections WHERE id = ?", (section_id,)
        )
        return self.store.insert(
            "glpi_forms_questions",
            {
                "id": question_id,
                "uuid": uuid or new_uuid(),
                "forms_sections_id": section_id,
                "forms_sections_uuid": section_uuid,
                "name": name,
                "type": kind,
                "is_mandatory": int(mandatory),
                "vertical_rank": rank,
                "description": description,
                "default_value": default,
                "extra_data": json.dumps(extra, ensure_ascii=False) if extra is not None else None,
                "visibility_strategy": "visible_if" if conditions else "",
                "conditions": json.dumps(conditions or []),
                "validation_strategy": "valid_if" if validation else "",
                "validation_conditions": json.dumps(validation or []),
            },
        )

    def policy(
        self, form_id: int, strategy: str, config: dict[str, Any], active: bool = True
    ) -> None:
        self.store.insert(
            "glpi_forms_accesscontrols_formaccesscontrols",
            {
                "forms_forms_id": form_id,
                "strategy": strategy,
                "config": json.dumps(config),
                "is_active": int(active),
            },
        )

    def destination(self, form_id: int, config: dict[str, Any]) -> None:
        self.store.insert(
            "glpi_forms_destinations_formdestinations",
            {
                "forms_forms_id": form_id,
                "itemtype": TICKET_DESTINATION,
                "name": "Ticket",
                "config": json.dumps(config, ensure_ascii=False),
            },
        )

    def glpi_default(self, form_id: int, name: str, uuid: str, first_q: int, request: bool) -> None:
        """GLPI 11's "Report an issue" / "Request a service"."""
        self.form(
            form_id,
            name,
            uuid=uuid,
            illustration="request-service" if request else "report-issue",
            description="Ask for a service to be provided by our team."
            if request
            else "Ask for support from our helpdesk team.",
        )
        section_uuid = "0f995599-fb8d-4a99-9f08-8f2e82326fa0" if form_id == 1 else new_uuid()
        self.section(form_id, form_id, section_uuid)
        q = first_q
        self.question(q, form_id, 0, URGENCY, "Urgency")
        self.question(
            q + 1,
            form_id,
            1,
            ITEM_DROPDOWN,
            "Category",
            extra={
                "itemtype": "ITILCategory",
                "categories_filter": ["request", "incident", "change", "problem"],
                "root_items_id": 0,
                "subtree_depth": 0,
                "selectable_tree_root": False,
            },
        )
        self.question(
            q + 2, form_id, 2, USER_DEVICE, "User devices", extra={"is_multiple_devices": False}
        )
        self.question(q + 3, form_id, 3, OBSERVER, "Observers", extra={"is_multiple_actors": True})
        self.question(
            q + 4,
            form_id,
            4,
            ITEM_DROPDOWN,
            "Location",
            extra={"itemtype": "Location", "categories_filter": [], "root_items_id": 0},
        )
        self.question(q + 5, form_id, 5, SHORT_TEXT, "Title")
        self.question(q + 6, form_id, 6, LONG_TEXT, "Description", mandatory=True)
        self.question(q + 7, form_id, 7, FILE, "Attachments")
        self.policy(form_id, ALLOW_LIST, EVERYONE)
        self.destination(
            form_id,
            {
                TITLE_FIELD: _tag(q + 5, "Title"),
                f"{CONTENT_FIELD}_auto": False,
                CONTENT_FIELD: _tag(q + 6, "Description"),
                URGENCY_FIELD: {"strategy": "specific_answer", "specific_question_id": q},
                TYPE_FIELD: {
                    "strategy": "specific_value",
                    "specific_itiltype": 2 if request else 1,
                },
            },
        )


def seed_native_forms(forms: NativeForms) -> None:
    """Idempotent: does nothing once there are forms."""
    if forms.forms():
        return
    s = _Seeder(forms)
    s.glpi_default(1, "Report an issue", "f5149c44-139e-4f70-b4b9-5087c9db26f6", 1, False)
    s.glpi_default(2, "Request a service", "7d6be84b-515c-4712-8d61-df4f1116e6c6", 9, True)

    # --- 3. Déclarer un incident ceBox (questions 17–22 as recorded, then the notice's
    # checklist, optional, in a second section) -----------------------------------------
    s.form(
        3,
        "Déclarer un incident ceBox",
        description="Signaler une panne ou un dysfonctionnement de votre ceBox.",
        header="<p>Décrivez l'incident rencontré sur votre ceBox.</p>",
    )
    s.section(3, 3, "269e8507-9b0c-4232-a202-2ec6f61d2981")
    s.question(
        17,
        3,
        0,
        DROPDOWN,
        "Type d'incident",
        uuid="95872654-56cb-46af-98a4-f3de10695d16",
        mandatory=True,
        extra={"options": INCIDENT_TYPES, "is_multiple_dropdown": False},
    )
    s.question(
        18, 3, 1, SHORT_TEXT, "Titre", uuid="ca596cb1-9187-4014-b90f-8978f89fce9e", mandatory=True
    )
    s.question(
        19,
        3,
        2,
        LONG_TEXT,
        "Description",
        uuid="36aa4d79-e735-40e8-afa6-8aff3712ebbe",
        mandatory=True,
    )
    s.question(20, 3, 3, FILE, "Documents", uuid="6441f74b-e651-403a-85e1-547d18ef547d")
    s.question(
        21,
        3,
        4,
        NUMBER,
        "Nombre de postes impactés",
        uuid="6e9ed421-cbfe-4aba-a277-348fe446d123",
        mandatory=True,
    )
    s.question(
        22,
        3,
        5,
        SHORT_TEXT,
        "IP ceBox",
        uuid="04ec5e84-90bc-4a36-b4f3-521302aa2b00",
        conditions=[
            {
                "item": "question-95872654-56cb-46af-98a4-f3de10695d16",
                "value_operator": "equals",
                "value": LOST_CONNECTION,
                "logic_operator": "and",
            }
        ],
    )
    s.destination(3, {TITLE_FIELD: _tag(18, "Titre")})
    s.policy(3, ALLOW_LIST, EVERYONE)

    # --- 4. Ouvrir une demande ceBox ---------------------------------------------------
    s.form(
        4,
        "Ouvrir une demande ceBox",
        description="Demander un service ou une information sur votre ceBox.",
    )
    s.section(4, 4, "f79b5271-e9db-47a1-9086-13ea948ba13f")
    s.question(23, 4, 1, SHORT_TEXT, "Titre", mandatory=True)
    s.question(24, 4, 2, LONG_TEXT, "Description", mandatory=True)
    s.destination(4, {TITLE_FIELD: _tag(23, "Titre"), TYPE_FIELD: {"specific_itiltype": 2}})
    s.policy(4, ALLOW_LIST, EVERYONE)

    # --- 5–7: what a customer is never offered -----------------------------------------
    s.form(5, "Formulaire inactif ceBox", is_active=0)
    s.section(5, 5, "7fc7f14f-96b0-451b-9394-c866a1e07dd1")
    s.question(25, 5, 0, SHORT_TEXT, "Titre", mandatory=True)
    s.policy(5, ALLOW_LIST, EVERYONE)
    s.destination(5, {})
    s.form(6, "Formulaire réservé aux administrateurs")
    s.section(6, 6, "4e785f3a-2d05-4247-90e9-edfb9663b1e7")
    s.question(26, 6, 0, SHORT_TEXT, "Titre", mandatory=True)
    s.policy(6, ALLOW_LIST, {"user_ids": [], "group_ids": [], "profile_ids": [4]})
    s.destination(6, {})
    s.form(7, "Formulaire par lien direct")
    s.section(7, 7, "dce08c82-d96f-4101-9ca1-fa2ffed0f573")
    s.question(27, 7, 0, SHORT_TEXT, "Titre", mandatory=True)
    s.policy(7, ALLOW_LIST, EVERYONE, active=False)
    s.policy(7, DIRECT_ACCESS, {"token": DIRECT_TOKEN, "allow_unauthenticated": False})
    s.destination(7, {})

    # --- 8: technicians only, in a category a customer never sees ----------------------
    interventions = forms.store.insert(
        "glpi_forms_categories",
        {"name": "Interventions", "description": "Réservé au support.", "forms_categories_id": 0},
    )
    s.form(
        8,
        "Demande d'intervention sur site",
        description="Réservé aux techniciens.",
        forms_categories_id=interventions,
    )
    s.section(8, 8, new_uuid())
    s.question(28, 8, 0, SHORT_TEXT, "Titre", mandatory=True)
    s.policy(8, ALLOW_LIST, {"user_ids": [], "group_ids": [], "profile_ids": [6]})
    s.destination(8, {TITLE_FIELD: _tag(28, "Titre")})

    # --- the notice's checklist: optional, after the recorded questions ----------------
    s.section(9, 3, new_uuid(), "Informations importantes", rank=1)
    s.question(29, 9, 0, SHORT_TEXT, "Nom du compte ceBox")
    s.question(
        30,
        9,
        1,
        DATETIME,
        "Heure d'apparition de l'incident",
        extra={"is_date_enabled": True, "is_time_enabled": True},
        description="Même approximative.",
    )
    s.question(31, 9, 2, LONG_TEXT, "Actions déjà effectuées")
    s.question(
        32,
        9,
        3,
        SHORT_TEXT,
        "IPv6 ceBox",
        validation=[{"value_operator": "match_regex", "value": "/^[0-9a-f:]+$/i"}],
    )
    s.question(33, 9, 4, SHORT_TEXT, "Nom ceBox")
    s.question(34, 9, 5, LONG_TEXT, "Impact sur la console")
    s.question(
        35,
        9,
        6,
        FILE,
        "Journal qgaAgent.log",
        description="En cas de problème d'intégration au domaine ou de renommage, joignez le"
        " fichier C:\\ProgramData\\qemu-ga\\qgaAgent.log (compressé : .log est refusé).",
    )
    s.question(
        36,
        4,
        0,
        DROPDOWN,
        "Type de demande",
        extra={"options": REQUEST_TYPES, "is_multiple_dropdown": False},
    )
    s.question(
        37,
        4,
        3,
        DROPDOWN,
        "Services concernés",
        extra={"options": SERVICES, "is_multiple_dropdown": True},
    )
    s.question(38, 4, 4, EMAIL, "E-mail de contact")
    s.question(39, 4, 5, FILE, "Documents")
