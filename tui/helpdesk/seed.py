"""Fresh-install accounts and a realistic set of ceBox tickets (in French)."""

from __future__ import annotations

import gzip
from datetime import timedelta

from .base import STATUS_ASSIGNED, STATUS_WAITING, hash_password
from .clock import Clock
from .pictures import console_screenshot, front_panel_photo
from .store import Store

DEMO_ACCOUNTS = [
    ("glpi", "glpi", "Super-Admin", 2),
    ("post-only", "postonly", "Self-Service", 3),
    ("tech", "tech", "Technician", 4),
    ("normal", "normal", "Observer", 5),
]

LOG_SAMPLE = (
    b"2025-01-14 09:12:03 [INFO] qgaAgent demarre (version 2.4.1)\r\n"
    b"2025-01-14 09:12:04 [INFO] Nom de la ceBox : CEBOX-ACME-042\r\n"
    b"2025-01-14 09:12:09 [WARN] Controleur de domaine injoignable (acme.local)\r\n"
    b"2025-01-14 09:12:39 [ERROR] Echec de la jonction au domaine : code 1355\r\n"
)
#: The name of the demo customer's log as the support received it: a default GLPI
#: refuses ``.log`` uploads, so the notice's ``qgaAgent.log`` reaches it compressed.
LOG_NAME = "qgaAgent.log.gz"
#: ``LOG_SAMPLE`` gzipped (mtime 0, so the bytes never change).
LOG_GZ = gzip.compress(LOG_SAMPLE, mtime=0)


CAPTURE_NAME = "capture-console.png"
"""The customer's screenshot attached to the pending demo ticket."""
PASTED_NAME = "voyants-facade.png"
"""The technician's photo pasted in the text of a follow-up of the pending demo ticket."""


_SEED_HASHES: dict[str, str] = {}


def _seed_hash(password: str) -> str:
    """Hash the well-known demo passwords once per process (helpdesks start per test)."""
    if password not in _SEED_HASHES:
        _SEED_HASHES[password] = hash_password(password)
    return _SEED_HASHES[password]


def seed_accounts(store: Store) -> None:
    """The four accounts of a fresh GLPI (same ids), plus the ticket categories."""
    if store.scalar("SELECT COUNT(*) FROM glpi_users") == 0:
        # id 1 is GLPI's internal "glpi-system" account.
        store.add_user("glpi-system", "", profile="Super-Admin", user_id=1, password_hash="!")
        store.execute("UPDATE glpi_users SET is_active = 0, password = '' WHERE id = 1")
        names = {
            "glpi": ("", ""),
            "post-only": ("Martin", "Tom"),
            "tech": ("Durand", "Julie"),
            "normal": ("Bernard", "Luc"),
        }
        for login, password, profile, uid in DEMO_ACCOUNTS:
            realname, firstname = names[login]
            store.add_user(
                login,
                password,
                profile=profile,
                realname=realname,
                firstname=firstname,
                user_id=uid,
                password_hash=_seed_hash(password),
            )
    if store.scalar("SELECT COUNT(*) FROM glpi_itilcategories") == 0:
        cebox = store.add_category("ceBox", comment="Boîtiers ceBox", category_id=1)
        store.add_category("Intégration domaine", parent_id=cebox, category_id=2)
        store.add_category("Réseau", parent_id=cebox, category_id=3)
        store.add_category("Matériel", parent_id=cebox, category_id=4)
        store.add_category("Console", category_id=5)
        demande = store.add_category("Demande", is_incident=False, category_id=6)
        store.add_category("Compte", parent_id=demande, is_incident=False, category_id=7)
        store.add_category("Interne équipe support", is_helpdeskvisible=False, category_id=8)


RESTART_PROCEDURE = (
    "Redémarrage d'une ceBox après une coupure électrique\n"
    "1. Débrancher l'alimentation 30 secondes.\n"
    "2. Rebrancher et attendre le voyant vert fixe (2 minutes).\n"
    "3. Si l'écran reste noir, photographier les voyants en façade.\n"
).encode()


def seed_demo(store: Store, clock: Clock) -> None:
    """Tickets of post-only (id 3) handled by tech (id 4), dated in the last days."""
    now = clock.now()
    post, tech, normal, admin = 3, 4, 5, 2

    def ago(days: float = 0, hours: float = 0) -> str:
        return (now - timedelta(days=days, hours=hours)).strftime("%Y-%m-%d %H:%M:%S")

    # 1. Domain join incident, in progress, with a public and a private follow-up, a private task.
    t1 = store.create_ticket(
        name="CEBOX-ACME-042 : échec d'intégration au domaine",
        content=(
            "<p>Bonjour,</p><p>La ceBox <strong>CEBOX-ACME-042</strong> n'arrive plus à rejoindre le domaine"
            " acme.local depuis ce matin (environ 9 h 10).</p><ul><li>Compte ceBox : ACME</li>"
            "<li>Postes impactés : 3</li><li>IP ceBox : 10.20.0.42</li><li>IPv6 ceBox : fd00:20::42</li></ul>"
            "<p>Actions déjà effectuées : redémarrage de la ceBox &amp; vérification du câble réseau.</p>"
            "<p>Le fichier qgaAgent.log est joint (compressé).</p>"
        ),
        requester_id=post,
        type=1,
        status=STATUS_ASSIGNED,
        category_id=2,
        date=ago(days=3, hours=5),
        assign_id=tech,
        urgency=4,
    )
    store.add_document(t1, filename=LOG_NAME, data=LOG_GZ, user_id=post, date=ago(days=3, hours=5))
    store.add_followup(
        t1,
        user_id=tech,
        content=(
            "<p>Bonjour,</p><p>Merci pour le journal. Le code 1355 indique que le contrôleur de domaine"
            " n'est pas joignable. Pouvez-vous nous confirmer que le DNS de la ceBox pointe bien sur"
            " 10.20.0.10 ?</p>"
        ),
        date=ago(days=2, hours=20),
    )
    store.add_followup(
        t1,
        user_id=tech,
        content="<p>Note interne : client connu pour des soucis de pare-feu, vérifier la règle 389/TCP.</p>",
        is_private=True,
        date=ago(days=2, hours=19),
    )
    store.add_task(
        t1,
        user_id=tech,
        content="<p>Tâche privée : contrôler les journaux du contrôleur de domaine côté client.</p>",
        is_private=True,
        date=ago(days=2, hours=18),
    )
    store.add_followup(
        t1,
        user_id=post,
        content="<p>Oui, le DNS pointe bien sur 10.20.0.10. Le pare-feu a été modifié la semaine dernière.</p>",
        date=ago(days=1, hours=3),
    )
    store.add_task(
        t1,
        user_id=tech,
        content="<p>Appel client planifié pour vérifier la règle de pare-feu.</p>",
        date=ago(hours=20),
    )

    # 2. Network incident, solved, with a solution waiting for approval.
    t2 = store.create_ticket(
        name="Perte de connexion réseau sur la ceBox du 2e étage",
        content=(
            "<p>La ceBox CEBOX-ACME-017 perd la connexion toutes les 10 minutes environ.</p>"
            "<p>Nom ceBox : CEBOX-ACME-017 — IP : 10.20.2.17. Postes impactés : 8.</p>"
        ),
        requester_id=post,
        type=1,
        status=STATUS_ASSIGNED,
        category_id=3,
        date=ago(days=5),
        assign_id=tech,
    )
    store.add_followup(
        t2,
        user_id=tech,
        content="<p>Nous avons mis à jour le firmware de la ceBox à distance (v3.2.7).</p>",
        date=ago(days=2),
    )
    store.add_solution(
        t2,
        user_id=tech,
        content=(
            "<p>Le firmware 3.2.7 corrige la perte de bail DHCP. La connexion est stable depuis 24 h."
            " Merci de valider la solution.</p>"
        ),
        date=ago(days=1),
    )

    # 3. Closed console request.
    t3 = store.create_ticket(
        name="Console : ajout d'un utilisateur administrateur",
        content="<p>Merci d'ajouter Mme Petit comme administratrice sur la console ceBox.</p>",
        requester_id=post,
        type=2,
        status=STATUS_ASSIGNED,
        category_id=5,
        date=ago(days=20),
        assign_id=tech,
    )
    store.add_solution(
        t3, user_id=tech, content="<p>Compte administrateur créé.</p>", date=ago(days=18)
    )
    store.add_followup(t3, user_id=post, content="<p>Merci, c'est parfait.</p>", date=ago(days=17))
    store.execute(
        "UPDATE glpi_itilsolutions SET status = 3, date_approval = ?, users_id_approval = ? WHERE items_id = ?",
        (ago(days=17), post, t3),
    )
    store.execute(
        "UPDATE glpi_tickets SET status = 6, closedate = ?, date_mod = ? WHERE id = ?",
        (ago(days=17), ago(days=17), t3),
    )

    # 4. A ticket where post-only is only an observer.
    store.create_ticket(
        name="Accès VPN ceBox indisponible pour le service comptable",
        content="<p>Le service comptable ne peut plus se connecter au VPN ceBox depuis hier soir.</p>",
        requester_id=normal,
        type=1,
        observers=[post],
        category_id=3,
        date=ago(days=1, hours=6),
        recipient_id=normal,
    )

    # 5. New account request, no answer yet.
    store.create_ticket(
        name="Demande de création de compte pour un nouvel arrivant",
        content=(
            "<p>Bonjour,</p><p>Pouvez-vous créer un compte ceBox pour <em>Claire Lefèvre</em>"
            " (arrivée le 3 mars) ?</p>"
        ),
        requester_id=post,
        type=2,
        category_id=7,
        date=ago(hours=4),
    )

    # 6. Pending ticket (waiting for the customer).
    t6 = store.create_ticket(
        name="Écran noir au démarrage de la ceBox CEBOX-ACME-003",
        content="<p>Après la coupure électrique, la ceBox reste sur un écran noir.</p>",
        requester_id=post,
        type=1,
        status=STATUS_WAITING,
        category_id=4,
        date=ago(days=8),
        assign_id=tech,
    )
    f6 = store.add_followup(
        t6,
        user_id=tech,
        content="<p>Pouvez-vous nous envoyer une photo des voyants en façade ?</p>",
        date=ago(days=6),
    )
    # The technician's document: on GLPI 11 only the web page hands it to a customer.
    store.add_document(
        t6,
        filename="procedure-redemarrage.txt",
        data=RESTART_PROCEDURE,
        user_id=tech,
        followup_id=f6,
        date=ago(days=6),
    )
    # The customer's capture, attached to a follow-up the day before; the technician's
    # question carries a photo pasted in its text, as GLPI's web editor stores it (a
    # document linked to the follow-up, referenced by an <img>). Added after the text
    # document so the documents list in the same order as before.
    f6b = store.add_followup(
        t6,
        user_id=post,
        content="<p>Voici une capture de la console : la ceBox est en alerte.</p>",
        date=ago(days=7),
    )
    store.add_document(
        t6,
        filename=CAPTURE_NAME,
        data=console_screenshot(),
        user_id=post,
        followup_id=f6b,
        date=ago(days=7),
    )
    pasted = store.add_document(
        t6,
        filename=PASTED_NAME,
        data=front_panel_photo(),
        user_id=tech,
        followup_id=f6,
        date=ago(days=6),
    )
    link = f"/front/document.send.php?docid={pasted}&amp;itemtype=Ticket&amp;items_id={t6}"
    store.execute(
        "UPDATE glpi_itilfollowups SET content = ? WHERE id = ?",
        (
            "<p>Pouvez-vous nous envoyer une photo des voyants en façade ? Pour comparaison,"
            " ceux d'une ceBox qui démarre normalement :</p>"
            f'<p><a href="{link}" target="_blank"><img src="{link}" '
            'alt="e2a1c3f0-5b7d-4c1e-9f3a-7d2b8c6e4a10" width="480" height="270" /></a></p>'
            "<p>Le voyant de gauche doit être vert fixe.</p>",
            f6,
        ),
    )
    # The last change stays the technician's question (as before the pictures).
    store.execute(
        "UPDATE glpi_tickets SET date_mod = ?, users_id_lastupdater = ? WHERE id = ?",
        (ago(days=6), tech, t6),
    )

    # 7. A ticket that post-only cannot see at all.
    store.create_ticket(
        name="Migration interne des sondes de supervision",
        content="<p>Ticket interne à l'équipe support.</p>",
        requester_id=admin,
        type=2,
        category_id=8,
        date=ago(days=2),
        recipient_id=admin,
    )
