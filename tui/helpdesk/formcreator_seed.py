"""The ceBox forms as the support defines them in Formcreator (the notice's checklist),
plus an inactive and a hidden form that a client must never offer."""

from __future__ import annotations

import json
from typing import Any

from .formcreator import Formcreator

IP_REGEX = r"/^((25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(25[0-5]|2[0-4]\d|1?\d?\d)$/"
# \p{L} has no Python `re` equivalent: the console leaves this one to the server.
NAME_REGEX = r"/^[\p{L}\d][\p{L}\d.-]*$/u"
INCIDENT_TYPES = [
    "Panne totale",
    "Lenteur",
    "Perte de connexion",
    "Console d'administration",
    "Intégration au domaine / renommage",
    "Impression",
    "Autre",
]
REQUEST_TYPES = ["Création de compte", "Modification de configuration", "Renseignement", "Autre"]


def _q(
    fc: Formcreator,
    section: int,
    row: int,
    fieldtype: str,
    name: str,
    *,
    required: bool = False,
    values: list[str] | None = None,
    description: str = "",
    show_rule: int = 1,
    itemtype: str = "",
    default: str = "",
    regex: str | None = None,
    rng: tuple[str, str] | None = None,
) -> int:
    qid = fc.add(
        "PluginFormcreatorQuestion",
        {
            "plugin_formcreator_sections_id": section,
            "fieldtype": fieldtype,
            "name": name,
            "required": int(required),
            "show_empty": 0,
            "default_values": default,
            "itemtype": itemtype,
            # PHP json_encode: \uXXXX escapes and escaped slashes.
            "values": json.dumps(values, separators=(",", ":")).replace("/", "\\/")
            if values is not None
            else "",
            "description": description,
            "row": row,
            "col": 0,
            "width": 4,
            "show_rule": show_rule,
            "uuid": f"q-{section}-{row}",
        },
    )
    if regex is not None:
        fc.add(
            "PluginFormcreatorQuestionRegex",
            {"plugin_formcreator_questions_id": qid, "fieldname": "regex", "regex": regex},
        )
    if rng is not None:
        fc.add(
            "PluginFormcreatorQuestionRange",
            {
                "plugin_formcreator_questions_id": qid,
                "fieldname": "range",
                "range_min": rng[0],
                "range_max": rng[1],
            },
        )
    return qid


def _form(fc: Formcreator, name: str, description: str, category: int, **flags: Any) -> int:
    values = {
        "name": name,
        "entities_id": 0,
        "is_recursive": 1,
        "icon": "fa fa-ticket",
        "icon_color": "",
        "background_color": "",
        "access_rights": 1,
        "description": description,
        "content": "",
        "plugin_formcreator_categories_id": category,
        "is_active": 1,
        "language": "",
        "helpdesk_home": 1,
        "is_deleted": 0,
        "validation_required": 0,
        "usage_count": 0,
        "is_default": 0,
        "is_captcha_enabled": 0,
        "show_rule": 1,
        "formanswer_name": name,
        "is_visible": 1,
        "uuid": name,
    }
    values.update(flags)
    return fc.add("PluginFormcreatorForm", values)


def _section(fc: Formcreator, form: int, name: str, order: int) -> int:
    return fc.add(
        "PluginFormcreatorSection",
        {"plugin_formcreator_forms_id": form, "name": name, "order": order, "show_rule": 1},
    )


def seed_formcreator(fc: Formcreator) -> None:
    """Idempotent: does nothing once the plugin has forms."""
    if fc.rows("PluginFormcreatorForm"):
        return
    cebox = fc.add(
        "PluginFormcreatorCategory",
        {
            "name": "ceBox",
            "completename": "ceBox",
            "comment": "Incidents et demandes sur vos ceBox",
            "plugin_formcreator_categories_id": 0,
            "level": 1,
        },
    )
    account = fc.add(
        "PluginFormcreatorCategory",
        {
            "name": "Compte",
            "completename": "Compte",
            "comment": "Votre accès au support",
            "plugin_formcreator_categories_id": 0,
            "level": 1,
        },
    )

    # --- Déclarer un incident ceBox -------------------------------------------------
    incident = _form(
        fc,
        "Déclarer un incident ceBox",
        "Quelque chose ne fonctionne plus : ceBox, console, domaine, impression…",
        cebox,
    )
    s1 = _section(fc, incident, "Votre incident", 1)
    kind = _q(fc, s1, 1, "select", "Type d'incident", required=True, values=INCIDENT_TYPES)
    title = _q(fc, s1, 2, "text", "Titre", required=True, rng=("", "255"),
               description="Une phrase qui résume le problème.")  # fmt: skip
    body = _q(fc, s1, 3, "textarea", "Description détaillée", required=True,
              description="Ce que vous faisiez, ce qui se passe, les messages d'erreur exacts.")  # fmt: skip
    _q(fc, s1, 4, "file", "Captures et journaux",
       description="Captures d'écran, qgaAgent.log… (facultatif)")  # fmt: skip
    _q(fc, s1, 5, "integer", "Nombre de postes impactés", required=True, rng=("1", "500"))
    ip = _q(fc, s1, 6, "text", "IP ceBox", required=True, regex=IP_REGEX, show_rule=2,
            description="L'adresse IPv4 de la ceBox qui ne répond plus.")  # fmt: skip
    fc.add(
        "PluginFormcreatorCondition",
        {
            "itemtype": "PluginFormcreatorQuestion",
            "items_id": ip,
            "plugin_formcreator_questions_id": kind,
            "show_condition": 1,
            "show_value": "Perte de connexion",
            "show_logic": 1,
            "order": 1,
        },
    )
    s2 = _section(fc, incident, "Informations importantes", 2)
    _q(fc, s2, 1, "text", "Nom du compte ceBox", required=True, rng=("2", "100"))
    _q(fc, s2, 2, "datetime", "Heure d'apparition de l'incident")
    _q(fc, s2, 3, "textarea", "Actions déjà effectuées")
    _q(fc, s2, 4, "text", "IPv6 ceBox", regex=r"/^[0-9a-f:]+$/i")
    _q(fc, s2, 5, "text", "Nom ceBox", regex=NAME_REGEX)
    _q(fc, s2, 6, "textarea", "Impact sur la console")
    _q(fc, s2, 7, "description", "Journal qgaAgent.log",
       description="En cas de problème d'intégration au domaine ou de renommage, joignez le"
       " fichier C:\\ProgramData\\qemu-ga\\qgaAgent.log.")  # fmt: skip
    _q(fc, s2, 8, "glpiselect", "Matériel concerné", itemtype="Computer")
    fc.add(
        "PluginFormcreatorTargetTicket",
        {
            "name": "Incident ceBox",
            "plugin_formcreator_forms_id": incident,
            "target_name": f"##answer_{title}##",
            "content": f"<p>##answer_{body}##</p>##FULLFORM##",
            "type_rule": 1,
            "type_question": 0,
            "itilcategories_id": 0,
        },
    )

    # --- Ouvrir une demande ceBox ---------------------------------------------------
    request = _form(
        fc,
        "Ouvrir une demande ceBox",
        "Une création, une modification, une question sur votre service ceBox.",
        cebox,
    )
    r1 = _section(fc, request, "Votre demande", 1)
    rkind = _q(fc, r1, 1, "radios", "Type de demande", required=True, values=REQUEST_TYPES)
    rtitle = _q(fc, r1, 2, "text", "Titre", required=True)
    rbody = _q(fc, r1, 3, "textarea", "Description", required=True)
    _q(fc, r1, 4, "checkboxes", "Services concernés",
       values=["ceBox", "Console", "Domaine", "Impression"])  # fmt: skip
    _q(fc, r1, 5, "date", "Date souhaitée")
    _q(fc, r1, 6, "time", "Heure de rappel")
    _q(fc, r1, 7, "email", "E-mail de contact")
    _q(fc, r1, 8, "float", "Budget (k€)", rng=("0", "100"))
    _q(fc, r1, 9, "file", "Documents")
    fc.add(
        "PluginFormcreatorTargetTicket",
        {
            "name": "Demande ceBox",
            "plugin_formcreator_forms_id": request,
            "target_name": f"##answer_{rtitle}##",
            # The file answer is not in the ticket: the client attaches it afterwards.
            "content": f"<p>Type : ##answer_{rkind}##</p><p>##answer_{rbody}##</p>",
            "type_rule": 2,
            "type_question": 0,
            "itilcategories_id": 0,
        },
    )

    # --- Forms a client must not offer ----------------------------------------------
    old = _form(fc, "Ancien formulaire incident", "Remplacé.", cebox, is_active=0)
    hidden = _form(fc, "Formulaire interne", "Réservé au support.", account, is_visible=0)
    # Restricted to technicians: the REST API lists it to anyone, the portal does not.
    onsite = _form(
        fc,
        "Demande d'intervention sur site",
        "Réservé aux techniciens.",
        cebox,
        access_rights=2,
    )
    fc.add(
        "PluginFormcreatorForm_Profile",
        {"plugin_formcreator_forms_id": onsite, "profiles_id": 6},
    )

    for form in (old, hidden, onsite):
        s = _section(fc, form, "Question", 1)
        t = _q(fc, s, 1, "text", "Titre", required=True)
        fc.add(
            "PluginFormcreatorTargetTicket",
            {
                "name": "Cible",
                "plugin_formcreator_forms_id": form,
                "target_name": f"##answer_{t}##",
                "content": "##FULLFORM##",
                "type_rule": 1,
                "type_question": 0,
                "itilcategories_id": 0,
            },
        )
