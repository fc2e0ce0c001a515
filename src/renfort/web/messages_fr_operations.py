"""French messages of bulk moves, callbacks, briefings and the staff representatives' pages.

Kept apart from :mod:`renfort.web.messages_fr` (merged into it by :mod:`renfort.web.i18n`)
so these features' words sit together.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # --- bulk moves
    "moves.title": "Déplacer des conseillers",
    "moves.link": "Déplacer plusieurs conseillers (domicile ou site)",
    "moves.hint": "Cochez les conseillers, choisissez où ils travailleront, puis prévisualisez : "
                  "chacun est vérifié seul (équipement du domicile, règle de télétravail et "
                  "dérogations de chaque donneur d'ordre). Un conseiller refusé reste où il est, "
                  "les autres sont déplacés.",
    "moves.to": "Travailleront",
    "moves.select": "Choisir",
    "moves.skills": "Compétences",
    "moves.agents_caption": "Conseillers : {n}",
    "moves.preview": "Prévisualiser",
    "moves.move": "Déplacer",
    "moves.preview_title": "Aperçu (rien n'est encore changé)",
    "moves.done_title": "Déplacement effectué",
    "moves.summary_preview": "Conseillers qui seraient déplacés ({to}) : {moved} ; "
                             "refusés : {refused}.",
    "moves.summary_done": "Conseillers déplacés ({to}) : {moved} ; refusés : {refused}.",
    "moves.queues_caption": "Ce que chaque file perd : conseillers pouvant en traiter les "
                            "contacts avant et après",
    "moves.queue": "File",
    "moves.before": "Avant",
    "moves.after": "Après",
    "moves.loses": "Perd",
    "moves.refused_caption": "Conseillers refusés",
    "moves.reason": "Raison",
    "moves.reason.already-there": "y travaille déjà",
    "moves.reason.home-setup": "équipement du domicile incomplet",
    "moves.reason.telework-policy": "aucun donneur d'ordre de ses files n'autorise le "
                                    "télétravail maintenant",
    "moves.reason.no-site": "aucun site où revenir",
    "moves.reason.unknown-agent": "conseiller inconnu",
    "moves.none": "Cochez au moins un conseiller.",
    "moves.bad_to": "Choisissez domicile ou site.",
    # --- callbacks
    "callback.ask": "Être rappelé par un conseiller",
    "callback.number": "Votre numéro de téléphone",
    "callback.day": "Jour (facultatif)",
    "callback.from": "Entre",
    "callback.to": "et",
    "callback.hint": "Laissez le jour et les heures vides pour être rappelé dès que possible. "
                     "Heures de Paris ; les rappels ont lieu aux heures d'ouverture. Trois "
                     "essais au plus, à un quart d'heure d'intervalle.",
    "callback.submit": "Demander à être rappelé",
    "callback.bad_slot": "Créneau invalide : donnez le jour, l'heure de début et l'heure de fin.",
    # --- briefings
    "briefing.title": "Consignes à lire",
    "briefing.hint": "Une fiche a changé : lisez ce qui change et confirmez. Jusque-là, les "
                     "contacts de ce thème vont d'abord aux collègues qui l'ont lue.",
    "briefing.acknowledge": "J'ai lu cette consigne",
    "briefing.wall_title": "Consignes : qui les a lues",
    "briefing.briefed": "Lue",
    "briefing.not_briefed": "Pas encore lue",
    "briefing.required": "Consigne à lire par les conseillers avant de répondre sur ce thème",
    # --- staff representatives
    "role.staff_rep": "Représentant du personnel",
    "reps.consultations": "Consultations des représentants du personnel",
    "reps.checklist": "Consultation quotidienne",
    "reps.today_held": "Consultation du jour tenue.",
    "reps.today_missing": "Consultation du jour pas encore tenue.",
    "reps.missed": "Jours sans consultation : {days}",
    "reps.record": "Consigner la consultation du jour",
    "reps.participants": "Présents à la consultation du jour",
    "reps.participants_hint": "Séparés par des virgules.",
    "reps.minutes": "Procès-verbal de la consultation",
    "reps.opinion": "Avis exprimé par les représentants",
    "reps.late": "Saisie tardive pour un jour passé",
    "reps.late_day": "Jour de la consultation (saisie tardive seulement)",
    "reps.submit": "Enregistrer la consultation",
    "reps.recorded": "Consultation enregistrée.",
    "reps.late_badge": "saisie tardive",
    "reps.exposure_counts": "Recherches de contacts rapprochés (sans nom) : {searches} ; "
                            "collègues prévenus : {named}.",
    "reps.from_facts": "d'après les faits",
    "reps.contradicted": "la saisie manuelle disait « {typed} »",
    "reps.missed_sites": "Consultations quotidiennes manquées",
    "sites.done.consulted": "Consultation enregistrée.",
}
