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
    # --- internal notes, as the agent reads them
    "note.handoff.asked": "Transmis par l'assistant : la personne a demandé à parler à un "
                          "conseiller.",
    "note.handoff.no_article": "Transmis par l'assistant : aucune réponse à cette question "
                               "dans la base.",
    "note.handoff.unsure": "Transmis par l'assistant : il n'était pas assez sûr de sa réponse "
                           "pour la donner seul.",
    "note.handoff.medical_doubt": "Transmis par l'assistant : la question est peut-être "
                                  "médicale. Vérifiez qu'elle relève de cette ligne avant de "
                                  "répondre.",
    "note.handoff.other": "Transmis par l'assistant en ligne.",
    "note.triage": "Triage : {label}.",
    "note.label.medical_urgent": "urgence médicale",
    "note.label.medical": "question médicale personnelle",
    "note.label.psychological": "détresse psychologique",
    "note.label.health_info": "information santé générale",
    "note.label.non_medical": "question non médicale",
    "note.model_reason": "Estimation automatique à partir des mots du message.",
    # --- offers
    "status.offered": "Contact proposé",
    "agent.missed_why": "Vous n'avez pas répondu à temps au dernier contact proposé : il est "
                        "retourné en file d'attente pour un autre conseiller. Dans cet état, "
                        "aucun contact ne vous est proposé : cliquez sur « Me mettre "
                        "disponible » pour en recevoir de nouveaux.",
    "agent.enable_notifications": "Activer les alertes sur le bureau",
    "agent.offer_waiting": "Attend depuis",
    "agent.offer_first": "Premier message",
    "agent.urgency.alert": "Alerte : message urgent ou médical de la personne",
    "agent.urgency.doubt": "Question peut-être médicale : à vérifier",
    "agent.urgency.health": "Question de santé (information générale)",
    "agent.offer_announce": "Contact proposé",
}
