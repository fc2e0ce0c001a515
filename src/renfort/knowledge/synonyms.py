"""The crisis vocabulary: words citizens, officials and agents use for the same thing.

Each group names a *concept*; any of its phrases (French or English, one or more words)
adds the concept's term (``~attestation``) next to the words themselves. A question about
a "justificatif" thus meets an article about the "attestation de déplacement", one about
"chômage partiel" meets "activité partielle", and an English "lockdown" meets the French
"confinement". The words themselves are kept, so an exact match still scores higher.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from renfort.knowledge.text import LANGS, Analyzer

CONCEPT_PREFIX = "~"

# concept → (French phrases, English phrases), comma-separated, as people say them.
GROUPS: Mapping[str, tuple[str, str]] = {
    "attestation": (
        "attestation, attestation de déplacement, justificatif, justificatif de "
        "déplacement, dérogation, dérogatoire, autorisation de sortie, autorisation de "
        "sortir, papier pour sortir, laissez-passer, ausweis, formulaire de sortie",
        "certificate, travel certificate, exemption certificate, permit to go out, travel form"),
    "confinement": (
        "confinement, confiné, confiner, quarantaine, isolement",
        "lockdown, quarantine, stay at home, stay home, confinement rules, isolation"),
    "deconfinement": (
        "déconfinement, déconfiner, fin du confinement, 11 mai, reprise",
        "end of lockdown, lifting the lockdown, reopening"),
    "sortie": (
        "sortir, sortie, se déplacer, déplacement, circuler, aller dehors",
        "go out, going out, leave home, leave the house, outside"),
    "activite_partielle": (
        "chômage partiel, activité partielle, chômage technique, chômage forcé, indemnité"
        " d'activité partielle",
        "furlough, short-time work, partial unemployment, partial activity, temporary layoff"),
    "chomage": (
        "chômage, pôle emploi, demandeur d'emploi, allocation chômage, allocations "
        "chômage, indemnités chômage",
        "unemployment, unemployment benefits, jobseeker"),
    "travail": (
        "travail, travailler, boulot, taf, job, emploi, employeur, patron, salarié, "
        "entreprise qui m'emploie, boss",
        "work, employer, employee, working"),
    "teletravail": (
        "télétravail, télétravailler, travail à domicile, travailler de chez moi, "
        "travailler à la maison",
        "remote work, work from home, working from home, home office, wfh"),
    "ecole": (
        "école, écoles, collège, lycée, établissement scolaire, classe, maternelle, "
        "primaire, scolaire",
        "school, schools, classes, high school"),
    "garde_enfant": (
        "crèche, garderie, assistante maternelle, nounou, garde d'enfant, garde "
        "d'enfants, garder mes enfants, faire garder, halte-garderie, service de garde",
        "daycare, childcare, babysitter, nanny"),
    "enfant": (
        "enfant, enfants, gosse, gamin, môme, fils, fille, bébé, ado, adolescent",
        "child, children, kid, kids, son, daughter"),
    "amende": (
        "amende, pv, prune, contravention, verbalisation, verbalisé, sanction, 135 euros",
        "fine, penalty, ticket, fined"),
    "police": (
        "police, policier, gendarme, gendarmerie, flic, keuf, contrôle, contrôlé",
        "police check, officer"),
    "courses": (
        "courses, faire les courses, faire ses courses, supermarché, supérette, épicerie,"
        " hypermarché, alimentation, nourriture, bouffe, achats de première nécessité, "
        "ravitaillement",
        "groceries, grocery, food shopping, supermarket, food"),
    "commerce": (
        "commerce, commerces, magasin, boutique, commerçant",
        "shop, shops, store, stores, retail"),
    "restaurant": (
        "restaurant, bar, café, brasserie, vente à emporter, livraison de repas",
        "take-away, takeaway, pub"),
    "entreprise": (
        "entreprise, société, pme, tpe, artisan, indépendant, auto-entrepreneur, "
        "micro-entrepreneur, travailleur indépendant, chef d'entreprise, commerçant",
        "business, company, self-employed, freelance, small business"),
    "aide": (
        "aide, aide financière, aides, subvention, indemnité, indemnisation, fonds de "
        "solidarité, soutien, compensation, dédommagement",
        "aid, grant, subsidy, financial help, financial support, relief"),
    "pret": (
        "prêt, prêt garanti, pge, crédit, emprunt, trésorerie",
        "loan, credit"),
    "charges": (
        "charges sociales, cotisations, urssaf, report de charges, échéances fiscales",
        "social contributions, payroll taxes"),
    "transport": (
        "transport, transports en commun, métro, bus, tram, tramway, rer, train, tgv, "
        "sncf, ratp, covoiturage, taxi",
        "public transport, subway, underground"),
    "voyage": (
        "voyage, voyager, vacances, étranger, frontière, frontières, avion, vol, "
        "aéroport, partir à l'étranger",
        "travel, trip, flight, abroad, border, borders, holiday"),
    "rapatriement": (
        "rapatriement, rapatrier, rentrer en france, retour en france, revenir en france,"
        " consulat, ambassade, français de l'étranger, bloqué à l'étranger",
        "repatriation, come back to france, return to france, stranded abroad, embassy"),
    "rassemblement": (
        "rassemblement, réunion, fête, soirée, apéro, anniversaire, mariage, manifestation",
        "gathering, party, wedding, meeting friends"),
    "funerailles": (
        "obsèques, enterrement, funérailles, inhumation, crémation, décès d'un proche, cimetière",
        "funeral, burial"),
    "ehpad": (
        "ehpad, maison de retraite, maison de repos, résidence senior, personnes âgées, "
        "grand-mère, grand-père, grands-parents, papi, mamie",
        "care home, nursing home, elderly, grandparents"),
    "visite": (
        "visite, rendre visite, visiter, aller voir, voir ma famille",
        "visit, visiting"),
    "sport": (
        "sport, jogging, footing, vélo, promenade, balade, se promener, activité "
        "physique, marcher, course à pied",
        "running, run, walk, exercise, cycling"),
    "animal": (
        "chien, chat, animal, animaux, animal de compagnie, promener le chien, sortir le chien",
        "dog, pet, cat"),
    "masque": (
        "masque, masques, masque grand public, masque en tissu",
        "mask, masks, face covering"),
    "loyer": (
        "loyer, loyers, bailleur, propriétaire, expulsion, locataire, trêve hivernale",
        "rent, landlord, eviction, tenant"),
    "facture": (
        "facture, factures, électricité, gaz, coupure, énergie",
        "bill, bills, utilities, electricity"),
    "impots": (
        "impôt, impôts, déclaration de revenus, fisc, taxe",
        "tax, taxes, tax return"),
    "demenagement": (
        "déménagement, déménager, emménager",
        "moving house, move house, relocate"),
    "residence_secondaire": (
        "résidence secondaire, maison de campagne, maison de vacances",
        "second home, holiday home"),
    "violences": (
        "violence, violences, violences conjugales, battue, battu, frappe, me frappe, "
        "agression, conjoint violent, maltraitance",
        "domestic violence, abuse, beaten"),
    "benevolat": (
        "bénévole, bénévolat, volontariat, volontaire, réserve civique, me rendre utile, "
        "jeveuxaider",
        "volunteer, volunteering"),
    "etudiant": (
        "étudiant, étudiante, étudiants, fac, université, crous, bourse, cité universitaire",
        "student, students, university"),
    "examen": (
        "examen, examens, bac, baccalauréat, brevet, concours, épreuves",
        "exam, exams"),
    "handicap": (
        "handicap, handicapé, situation de handicap, mdph, aah",
        "disabled, disability"),
    "conges": (
        "congés, congés payés, rtt, jours de repos",
        "paid leave, days off"),
    "arret_travail": (
        "arrêt de travail, arrêt maladie, ameli",
        "sick leave, sick note"),
    "titre_sejour": (
        "titre de séjour, carte de séjour, récépissé, visa",
        "residence permit"),
    "papiers": (
        "carte d'identité, passeport, permis de conduire, carte grise, papiers",
        "id card, passport, driving licence, driver's license"),
    "marche": (
        "marché, marchés, marché alimentaire, marché couvert",
        "market, farmers market"),
    "banque": (
        "banque, distributeur, retirer de l'argent, agence bancaire",
        "bank, cash machine, atm"),
    "poste": (
        "la poste, bureau de poste, courrier, colis",
        "post office, parcel, mail"),
    "culte": (
        "église, mosquée, synagogue, temple, culte, lieu de culte, messe, prière",
        "church, mosque, worship"),
    "elections": (
        "élection, élections, municipales, second tour, voter",
        "election, vote"),
    "justice": (
        "tribunal, audience, justice, procès, avocat",
        "court, lawyer"),
    "fermeture": (
        "fermé, fermés, fermée, fermeture, fermer",
        "closed, closure, shut"),
    "ouverture": (
        "ouvert, ouverts, ouverte, ouvrir, réouverture, rouvrir",
        "open, reopen"),
    "medecin": (
        "médecin, docteur, généraliste, médecin traitant, toubib, téléconsultation",
        "doctor, gp, physician"),
    "hopital": (
        "hôpital, urgences, clinique",
        "hospital, emergency room"),
    "pharmacie": (
        "pharmacie, pharmacien",
        "pharmacy, pharmacist, chemist"),
    "numero": (
        "numéro, numéro vert, téléphone, appeler, joindre, contacter",
        "phone number, call, hotline, helpline"),
}


class Synonyms:
    """Finds the concepts mentioned in a sequence of stems (longest phrase first)."""

    def __init__(self, analyzer: Analyzer,
                 groups: Mapping[str, tuple[str, str]] = GROUPS) -> None:
        self._phrases: dict[tuple[str, ...], set[str]] = {}
        for concept, by_lang in groups.items():
            for lang, phrases in zip(LANGS, by_lang, strict=True):
                for phrase in (p.strip() for p in phrases.split(",")):
                    words, _ = analyzer.analyse(phrase, lang)
                    key = tuple(w.stem for w in words)
                    # "rester chez soi" must not become a synonym of every "rester"
                    if key and (len(key) > 1 or " " not in phrase):
                        self._phrases.setdefault(key, set()).add(CONCEPT_PREFIX + concept)
        self._longest = max((len(k) for k in self._phrases), default=1)
        self._stems = frozenset(stem for key in self._phrases for stem in key)

    def knows(self, stem: str) -> bool:
        """Whether ``stem`` is part of some phrase of the vocabulary."""
        return stem in self._stems

    def concepts(self, stems: Sequence[str]) -> list[str]:
        """Concept terms mentioned in ``stems``, once each, in order of first mention."""
        found: list[str] = []
        seen: set[str] = set()
        i = 0
        while i < len(stems):
            step = 1
            for size in range(min(self._longest, len(stems) - i), 0, -1):
                hit = self._phrases.get(tuple(stems[i:i + size]))
                if hit:
                    for concept in sorted(hit):
                        if concept not in seen:
                            seen.add(concept)
                            found.append(concept)
                    step = size
                    break
            i += step
        return found
