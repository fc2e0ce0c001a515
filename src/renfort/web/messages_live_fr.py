"""French messages of the live pages added in round 2 (connection, offers, wall, citizen
waiting), merged into the catalog by :mod:`renfort.web.i18n`."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # --- connection lost / found (every live page)
    "live.lost": "Connexion au serveur perdue.",
    "live.lost_since": "Affichage figé depuis",
    "live.retry_in": "Nouvel essai dans {n} s.",
    "live.retry_now": "Réessayer maintenant",
    "live.pending.waiting": "Pas encore envoyé : {what} — sera renvoyé au retour de la connexion.",
    "live.pending.sending": "Renvoi en cours : {what}",
    "live.pending.resent": "Renvoyé : {what}",
    "live.pending.failed": "Échec, non pris en compte : {what} — recommencez.",
    "live.on": "Mis à jour en direct.",
    "live.stale": "Données figées depuis",
    "live.stale_why": "connexion perdue.",
}
