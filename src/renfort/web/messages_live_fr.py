"""French messages of the live pages added in round 2 (connection, offers, wall, citizen
waiting), merged into the catalog by :mod:`renfort.web.i18n`."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # --- connection lost / found (every live page)
    "live.lost": "Connexion au serveur perdue.",
    "live.lost_since": "Affichage figé depuis",
    "live.retry_in": "Nouvel essai dans {n} s.",
    "live.retry_now": "Réessayer maintenant",
    "live.dismiss": "J'ai compris",
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
    # --- supervisor wall
    "wall.agents_offered": "Agents avec un contact proposé",
    "wall.agents_missed": "Agents ayant manqué une offre",
    "wall.counts_hint": "Les indicateurs comptent chaque conseiller une fois ; dans le tableau "
                        "des files, un conseiller compte pour chaque file qu'il sait servir.",
    "wall.controls": "Filtrer et trier le mur",
    "wall.filter": "Filtrer (file, client, conseiller, site)",
    "wall.filter_hint": "ex. : déplacements",
    "wall.filter_state": "État des conseillers",
    "wall.all_states": "Tous",
    "wall.sort_queues": "Trier les files par",
    "wall.sort.waiting": "contacts en attente",
    "wall.sort.oldest": "plus longue attente",
    "wall.sort.sl": "niveau de service (le plus bas d'abord)",
    "wall.sort.name": "nom",
    "wall.sort_agents": "Trier les conseillers par",
    "wall.agent_sort.state": "état",
    "wall.agent_sort.time": "temps dans l'état",
    "wall.agent_sort.name": "nom",
    "wall.apply": "Appliquer",
    "wall.level.warn": "Attention",
    "wall.level.bad": "Alerte",
    "wall.level.critical": "Critique",
    "wall.drill_queue": "Détail de la file {queue}",
    "wall.drill_agent": "Détail de {agent}",
    "wall.agents_title": "Conseillers connectés",
    "wall.agent": "Conseiller",
    "wall.state": "État",
    "wall.in_state": "Depuis",
    "wall.place": "Lieu",
    "wall.actions": "Actions",
    "wall.no_agent_match": "Aucun conseiller ne correspond au filtre.",
    "wall.break_reason": "Mis en pause par la supervision",
    "wall.action.pause_button": "Pause",
    "wall.action.pause": "mettre {agent} en pause",
    "wall.action.logout_button": "Déconnecter",
    "wall.action.logout": "déconnecter {agent}",
    "wall.action.logout_confirm": "Déconnecter {agent} ? Ses contacts en cours restent à "
                                  "terminer ; aucun nouveau ne lui sera proposé.",
    "wall.action.move_to": "File où affecter {agent}",
    "wall.action.move_button": "Affecter",
    "wall.action.move": "affecter {agent} à une autre file",
    "wall.action.done": "Fait : ",
    "wall.charts": "Aujourd'hui, heure par heure",
    "wall.chart.sl_title": "Niveau de service par heure, objectif en pointillés",
    "wall.chart.sl_series": "Niveau de service",
    "wall.chart.sl_caption": "Part des contacts pris en charge dans le délai de leur file "
                             "(objectif le plus exigeant : {target}).",
    "wall.chart.wait_title": "Attente par heure, délai cible en pointillés",
    "wall.chart.mean_wait": "Attente moyenne",
    "wall.chart.max_wait": "Attente la plus longue",
    "wall.chart.target": "Objectif : {value}",
    "wall.chart.table": "Les mêmes chiffres en tableau",
    "wall.chart.hour": "Heure",
    "wall.chart.handled": "Contacts traités ou abandonnés",
    "wall.chart.empty": "Pas encore de contact traité aujourd'hui : les courbes apparaîtront "
                        "avec les premiers.",
    "wall.detail.queue": "File : {queue}",
    "wall.detail.agent": "Conseiller : {agent}",
    "wall.detail.back": "Retour au mur complet",
    "wall.detail.queue_agents": "Conseillers qui peuvent servir cette file",
    "wall.detail.queues": "Files servies",
    "wall.detail.held": "Contacts en cours ou proposés",
    # --- citizen chat
    "chat.wait.soon": "Un conseiller va vous répondre dans un instant.",
    "chat.wait.first": "Vous êtes le prochain dans la file d'attente.",
    "chat.wait.position": "Vous êtes {n}e dans la file d'attente.",
    "chat.wait.estimate": "Attente estimée : environ {minutes} min.",
    "chat.wait.under_a_minute": "Attente estimée : moins d'une minute.",
    "chat.wait.nobody": "Les conseillers sont tous occupés ou absents pour le moment : votre "
                        "demande garde sa place.",
    "chat.ended.title": "Conversation terminée",
    "chat.ended.text": "Le conseiller a terminé cet échange. Merci de votre message. Vous "
                       "pouvez fermer cette page, ou poser une nouvelle question ci-dessous.",
}
