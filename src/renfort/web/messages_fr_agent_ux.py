"""French texts of the agent desktop's round-2 fixes (drafts kept across refreshes, the seat
search, the empty conversation) and of the charts on a phone: folded into the .po catalogue
by the lead."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "agent.no_contact_open": "Aucun contact ouvert. Mettez-vous disponible pour recevoir des "
                             "contacts : chacun s'affiche sous « Contact proposé ».",
    "agent.find_seat": "Rechercher un poste",
    "agent.seat_hint": "Postes libres et nettoyés : {n}. Tapez un numéro ou une zone pour "
                       "restreindre la liste.",
    "chart.scroll_hint": "Faites glisser le graphique pour voir toute la période.",
}
