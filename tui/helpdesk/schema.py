"""Tables and fields of the GLPI 10.0 items the helpdesk serves (a faithful subset).

Field order matters: GLPI returns columns in table order. Columns named ``x_*`` are
internal to the emulator and never leave the server.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

F = tuple[str, Any]

TICKET: list[F] = [
    ("id", None),
    ("entities_id", 0),
    ("name", ""),
    ("date", None),
    ("closedate", None),
    ("solvedate", None),
    ("takeintoaccountdate", None),
    ("date_mod", None),
    ("users_id_lastupdater", 0),
    ("status", 1),
    ("users_id_recipient", 0),
    ("requesttypes_id", 1),
    ("content", ""),
    ("urgency", 3),
    ("impact", 3),
    ("priority", 3),
    ("itilcategories_id", 0),
    ("type", 1),
    ("global_validation", 1),
    ("slas_id_ttr", 0),
    ("slas_id_tto", 0),
    ("slalevels_id_ttr", 0),
    ("time_to_resolve", None),
    ("time_to_own", None),
    ("begin_waiting_date", None),
    ("sla_waiting_duration", 0),
    ("ola_waiting_duration", 0),
    ("olas_id_tto", 0),
    ("olas_id_ttr", 0),
    ("olalevels_id_ttr", 0),
    ("ola_tto_begin_date", None),
    ("ola_ttr_begin_date", None),
    ("internal_time_to_resolve", None),
    ("internal_time_to_own", None),
    ("waiting_duration", 0),
    ("close_delay_stat", 0),
    ("solve_delay_stat", 0),
    ("takeintoaccount_delay_stat", 0),
    ("actiontime", 0),
    ("is_deleted", 0),
    ("locations_id", 0),
    ("validation_percent", 0),
    ("date_creation", None),
]

FOLLOWUP: list[F] = [
    ("id", None),
    ("itemtype", ""),
    ("items_id", 0),
    ("date", None),
    ("users_id", 0),
    ("users_id_editor", 0),
    ("content", ""),
    ("is_private", 0),
    ("requesttypes_id", 0),
    ("date_mod", None),
    ("date_creation", None),
    ("timeline_position", 1),
    ("sourceitems_id", 0),
    ("sourceof_items_id", 0),
]

TASK: list[F] = [
    ("id", None),
    ("uuid", ""),
    ("tickets_id", 0),
    ("taskcategories_id", 0),
    ("date", None),
    ("users_id", 0),
    ("users_id_editor", 0),
    ("content", ""),
    ("is_private", 0),
    ("actiontime", 0),
    ("begin", None),
    ("end", None),
    ("state", 1),
    ("users_id_tech", 0),
    ("groups_id_tech", 0),
    ("date_mod", None),
    ("date_creation", None),
    ("tasktemplates_id", 0),
    ("timeline_position", 1),
    ("sourceitems_id", 0),
    ("sourceof_items_id", 0),
]

SOLUTION: list[F] = [
    ("id", None),
    ("itemtype", ""),
    ("items_id", 0),
    ("solutiontypes_id", 0),
    ("solutiontype_name", None),
    ("content", ""),
    ("date_creation", None),
    ("date_mod", None),
    ("date_approval", None),
    ("users_id", 0),
    ("user_name", None),
    ("users_id_editor", 0),
    ("users_id_approval", 0),
    ("user_name_approval", None),
    ("status", 1),
    ("itilfollowups_id", None),
]

TICKET_USER: list[F] = [
    ("id", None),
    ("tickets_id", 0),
    ("users_id", 0),
    ("type", 1),
    ("use_notification", 1),
    ("alternative_email", ""),
]

DOCUMENT: list[F] = [
    ("id", None),
    ("entities_id", 0),
    ("is_recursive", 0),
    ("name", ""),
    ("filename", ""),
    ("filepath", ""),
    ("documentcategories_id", 0),
    ("mime", ""),
    ("date_mod", None),
    ("comment", None),
    ("is_deleted", 0),
    ("link", None),
    ("users_id", 0),
    ("tickets_id", 0),
    ("sha1sum", ""),
    ("is_blacklisted", 0),
    ("tag", ""),
    ("date_creation", None),
    ("x_filesize", 0),
]

DOCUMENT_ITEM: list[F] = [
    ("id", None),
    ("documents_id", 0),
    ("items_id", 0),
    ("itemtype", ""),
    ("entities_id", 0),
    ("is_recursive", 0),
    ("date_mod", None),
    ("users_id", 0),
    ("timeline_position", 1),
    ("date_creation", None),
    ("date", None),
]

USER: list[F] = [
    ("id", None),
    ("name", ""),
    ("password", ""),
    ("password_last_update", None),
    ("phone", None),
    ("phone2", None),
    ("mobile", None),
    ("realname", None),
    ("firstname", None),
    ("locations_id", 0),
    ("language", None),
    ("use_mode", 0),
    ("list_limit", None),
    ("is_active", 1),
    ("comment", None),
    ("auths_id", 0),
    ("authtype", 1),
    ("last_login", None),
    ("date_mod", None),
    ("date_sync", None),
    ("is_deleted", 0),
    ("profiles_id", 0),
    ("entities_id", 0),
    ("usertitles_id", 0),
    ("usercategories_id", 0),
    ("date_format", None),
    ("number_format", None),
    ("names_format", None),
    ("csv_delimiter", None),
    ("is_ids_visible", None),
    ("use_flat_dropdowntree", None),
    ("show_jobs_at_login", None),
    ("followup_private", None),
    ("task_private", None),
    ("default_requesttypes_id", None),
    ("password_forget_token", None),
    ("password_forget_token_date", None),
    ("user_dn", None),
    ("registration_number", None),
    ("personal_token", None),
    ("personal_token_date", None),
    ("api_token", None),
    ("api_token_date", None),
    ("cookie_token", None),
    ("cookie_token_date", None),
    ("timezone", None),
    ("date_creation", None),
    ("x_email", ""),
    ("x_password_expired", 0),
]

ITILCATEGORY: list[F] = [
    ("id", None),
    ("entities_id", 0),
    ("is_recursive", 1),
    ("itilcategories_id", 0),
    ("name", ""),
    ("completename", ""),
    ("comment", None),
    ("level", 1),
    ("knowbaseitemcategories_id", 0),
    ("users_id", 0),
    ("groups_id", 0),
    ("code", None),
    ("ancestors_cache", None),
    ("sons_cache", None),
    ("is_helpdeskvisible", 1),
    ("tickettemplates_id_incident", 0),
    ("tickettemplates_id_demand", 0),
    ("changetemplates_id", 0),
    ("problemtemplates_id", 0),
    ("is_incident", 1),
    ("is_request", 1),
    ("is_problem", 1),
    ("is_change", 1),
    ("date_mod", None),
    ("date_creation", None),
]

ENTITY: list[F] = [
    ("id", None),
    ("name", ""),
    ("entities_id", None),
    ("completename", ""),
    ("comment", None),
    ("level", 1),
    ("sons_cache", None),
    ("ancestors_cache", None),
    ("registration_number", None),
    ("address", None),
    ("postcode", None),
    ("town", None),
    ("state", None),
    ("country", None),
    ("website", None),
    ("phonenumber", None),
    ("email", None),
    ("autoclose_delay", 7),
    ("autopurge_delay", -10),
    ("notclosed_delay", 0),
    ("tickettype", 1),
    ("date_mod", None),
    ("date_creation", None),
]

REQUESTTYPE: list[F] = [
    ("id", None),
    ("name", ""),
    ("is_helpdesk_default", 0),
    ("is_followup_default", 0),
    ("is_mail_default", 0),
    ("is_mailfollowup_default", 0),
    ("is_active", 1),
    ("is_ticketheader", 1),
    ("is_itilfollowup", 1),
    ("comment", None),
    ("date_mod", None),
    ("date_creation", None),
]

LOG: list[F] = [
    ("id", None),
    ("itemtype", ""),
    ("items_id", 0),
    ("itemtype_link", ""),
    ("linked_action", 0),
    ("user_name", None),
    ("date_mod", None),
    ("id_search_option", 0),
    ("old_value", None),
    ("new_value", None),
]

TICKETVALIDATION: list[F] = [
    ("id", None),
    ("entities_id", 0),
    ("users_id", 0),
    ("tickets_id", 0),
    ("users_id_validate", 0),
    ("comment_submission", None),
    ("comment_validation", None),
    ("status", 2),
    ("submission_date", None),
    ("validation_date", None),
    ("timeline_position", 1),
]


@dataclass(frozen=True)
class ItemType:
    name: str
    table: str
    fields: list[F]
    hateoas: tuple[str, ...] = ()
    maybe_deleted: bool = False
    undisclosed: tuple[str, ...] = ()
    text_fields: tuple[str, ...] = field(default=())

    @property
    def columns(self) -> list[str]:
        return [f for f, _ in self.fields]

    @property
    def public_columns(self) -> list[str]:
        return [f for f, _ in self.fields if not f.startswith("x_") and f not in self.undisclosed]


TICKET_HATEOAS = (
    "Document_Item",
    "TicketTask",
    "TicketValidation",
    "TicketCost",
    "Problem_Ticket",
    "Change_Ticket",
    "Ticket_Ticket",
    "Item_Ticket",
    "ITILSolution",
    "ITILFollowup",
    "Ticket_User",
    "Group_Ticket",
    "Supplier_Ticket",
)

ITEMTYPES: dict[str, ItemType] = {
    t.name: t
    for t in [
        ItemType("Ticket", "glpi_tickets", TICKET, TICKET_HATEOAS, maybe_deleted=True),
        ItemType("ITILFollowup", "glpi_itilfollowups", FOLLOWUP),
        ItemType("ITILSolution", "glpi_itilsolutions", SOLUTION),
        ItemType("TicketTask", "glpi_tickettasks", TASK),
        ItemType("Ticket_User", "glpi_tickets_users", TICKET_USER),
        ItemType("Document", "glpi_documents", DOCUMENT, ("Document_Item",), maybe_deleted=True),
        ItemType("Document_Item", "glpi_documents_items", DOCUMENT_ITEM),
        ItemType(
            "User",
            "glpi_users",
            USER,
            ("Document_Item",),
            maybe_deleted=True,
            undisclosed=(
                "password",
                "password_forget_token",
                "personal_token",
                "api_token",
                "cookie_token",
            ),
        ),
        ItemType("ITILCategory", "glpi_itilcategories", ITILCATEGORY),
        ItemType("Entity", "glpi_entities", ENTITY, ("Document_Item",)),
        ItemType("RequestType", "glpi_requesttypes", REQUESTTYPE),
        ItemType("Log", "glpi_logs", LOG),
        ItemType("TicketValidation", "glpi_ticketvalidations", TICKETVALIDATION),
    ]
}

TABLE_TO_ITEMTYPE = {t.table: t.name for t in ITEMTYPES.values()} | {
    "glpi_locations": "Location",
    "glpi_slas": "SLA",
    "glpi_slalevels": "SlaLevel",
    "glpi_olas": "OLA",
    "glpi_olalevels": "OlaLevel",
    "glpi_solutiontypes": "SolutionType",
    "glpi_taskcategories": "TaskCategory",
    "glpi_groups": "Group",
    "glpi_documentcategories": "DocumentCategory",
    "glpi_profiles": "Profile",
    "glpi_usertitles": "UserTitle",
    "glpi_usercategories": "UserCategory",
    "glpi_knowbaseitemcategories": "KnowbaseItemCategory",
    "glpi_tickettemplates": "TicketTemplate",
    "glpi_changetemplates": "ChangeTemplate",
    "glpi_problemtemplates": "ProblemTemplate",
    "glpi_tasktemplates": "TaskTemplate",
    "glpi_auths": "Auth",
}


def sql_type(default: Any) -> str:
    return "INTEGER" if isinstance(default, int) and not isinstance(default, bool) else "TEXT"


def create_table_sql(it: ItemType) -> str:
    cols = []
    for name, default in it.fields:
        if name == "id":
            cols.append('"id" INTEGER PRIMARY KEY AUTOINCREMENT')
            continue
        decl = f'"{name}" {sql_type(default)}'
        if default is not None:
            decl += (
                f" DEFAULT {default!r}" if not isinstance(default, str) else f" DEFAULT '{default}'"
            )
        cols.append(decl)
    return f"CREATE TABLE IF NOT EXISTS {it.table} ({', '.join(cols)})"


def is_foreign_key(key: str) -> bool:
    """GLPI's isForeignKeyField: ``xxxs_id`` or ``xxxs_id_suffix``."""
    if key.startswith("_"):
        return False
    parts = key.split("_id")
    if len(parts) < 2:
        return False
    if key.endswith("_id"):
        return len(key) > 3
    head, _, tail = key.rpartition("_id_")
    return bool(head) and bool(tail) and "_" not in tail


def table_for_fkey(key: str) -> str:
    base = key[:-3] if key.endswith("_id") else key.rpartition("_id_")[0]
    return f"glpi_{base}"
