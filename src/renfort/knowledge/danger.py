"""The danger lexicon: what makes a message ``medical_urgent`` ("call the 15 now").

Each rule is a pattern over the plain form of :mod:`renfort.knowledge.wording` (texted forms
written out, danger words' typos corrected, figures of speech masked), with an optional
*unless* pattern read on the same clause: "ne répond plus" is a person who no longer
responds, unless it is about mails or the town hall. Rules are listed by kind; the rule id
of suicidal thoughts starts with ``urgent.suicide`` so that the redirect can give 3114.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Someone: a pronoun, a relative, "un homme"… (plain form, so "l'homme" is "le homme").
_WHO = (r"(il|elle|on|lui|mon \w+|ma \w+|notre \w+|papi|mamie|papa|maman|bebe|he|she|"
        r"my \w+|(un|une|le|la) (homme|femme|dame|monsieur|personne|passante?|voisine?|"
        r"cliente?|patiente?|residente?|enfant|petite?|bebe|collegue|ami|amie))")
_DRUGS = (r"(medicaments?|cachets?|comprimes?|pilules?|gelules?|somniferes?|anxiolytiques?|"
          r"antidepresseurs?|calmants?|paracetamol|doliprane|dafalgan|efferalgan|ibuprofene|"
          r"advil|aspirine|lexomil|xanax|stilnox|tramadol|codeine|morphine|insuline|"
          r"pills?|tablets?|medication|medicine|sleeping pills)")
_PRODUCTS = (r"(javel|eau de javel|produits? (menagers?|vaisselle|pour la vaisselle|"
             r"d entretien|de nettoyage|\w+)|detergents?|lessive|capsules?( de lessive)?|"
             r"pastilles? (de |pour )?(lave|lessive)\w*|deboucheur|white spirit|"
             r"alcool a bruler|essence|insecticides?|raticides?|mort aux rats|champignons?|"
             r"baies|piles?|bleach|detergent|poison|antigel|desinfectant\w*|gel hydro\w*)")


@dataclass(frozen=True, slots=True)
class DangerRule:
    id: str
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None
    reason: str

    def match(self, text: str) -> str | None:
        found = self.pattern.search(text)
        if found is None or (self.unless is not None and self.unless.search(text)):
            return None
        return found.group(0).strip()


def _rule(rule_id: str, pattern: str, reason: str, unless: str | None = None) -> DangerRule:
    return DangerRule(rule_id, re.compile(pattern),
                      re.compile(unless) if unless else None, reason)


_CALL = "appeler le 15 immédiatement"
RULES: tuple[DangerRule, ...] = (
    _rule("urgent.breathing",
          r"\b(du |de )?mal (a |pour )?(respir|reprendre (son|mon|sa) (souffle|respiration))\w*"
          r"|difficult\w* (a |pour |de )?respir\w*"
          r"|respir\w* (tres |de plus en plus |vraiment |trop )?(difficile\w*|mal|difficilement"
          r"|avec difficulte|vite|bizarre\w*|fort|plus|pas bien|pas|mal|en sifflant)\b"
          r"|\b(peu[xt]|peuvent|arrive\w*|parvien\w*)\b.{0,12}\b(plus|pas|mal)\b.{0,12}"
          r"respir\w*|essouf+l\w*|souffle court|a bout de souffle|(manque|plus|pas) "
          r"(de |d )?(souffle|air)\b|cherche (son|mon|sa) (air|souffle|respiration)"
          r"|etouff\w*|suffoqu\w*|detresse respiratoire|insuffisance respiratoire"
          r"|respiration (difficile|rapide|sifflante|courte|bizarre)|halet\w*|oxymetre"
          r"|taux de oxygene|siffl\w* (quand|en) (il |elle |je )?respir\w*"
          r"|short(ness)? of breath|difficult\w* breathing|trouble breathing|hard to breathe"
          r"|can not breathe|cannot breathe|struggling to breathe|breathless\w*"
          r"|not breathing|stopped breathing|choking",
          f"difficulté à respirer : {_CALL}"),
    _rule("urgent.cyanosis",
          r"\b(levres|doigts|visage|peau|ongles|bouche|lips|face|fingers|skin)\b( \w+){0,3} "
          r"(bleu\w*|violet\w*|gris\w*|blue|grey|gray|purple)\b"
          r"|\b(devien\w*|devenu\w*|tout|toute|turning|went) (bleu|bleue|violet\w*|gris\w*|"
          r"blue|purple|grey)\b",
          f"lèvres ou peau bleues : {_CALL}"),
    _rule("urgent.chest",
          r"\bdouleurs? (\w+ ){0,2}(a la |dans la |de la |au |dans le )?(poitrine|thorax|torse)"
          r"|douleurs? thoraciques?|mal (a|au|dans) (la |le )?(poitrine|thorax|torse)"
          r"|oppress\w*|(poitrine|thorax|torse) (serree?|qui serre|qui brule|ecrasee?)"
          r"|(serre\w*|ecrase\w*|point|brulure\w*) (\w+ ){0,3}(poitrine|thorax|torse)"
          r"|crise cardiaque|infarctus|arret cardiaque|heart attack"
          r"|(douleur|mal)\w* (\w+ ){0,6}bras gauche|coeur qui (bat|s emballe) (\w+ ){0,2}"
          r"(vite|fort|vitesse)|chest (pain|tightness|hurts)|crushing chest|pain in (my |his |"
          r"her )?chest|pressure in (my |his |her )?chest",
          f"douleur ou oppression dans la poitrine : {_CALL}"),
    _rule("urgent.unresponsive",
          r"\b(me |nous |lui |te )?(repond|repondent|reagit|reagis|reagissent)\w* "
          r"(plus|pas|a rien|rien|presque plus)\b"
          r"|\b(ne |n )?(se )?(reveille|releve|relever|reveiller) (plus|pas)\b"
          r"|\barriv\w* (pas|plus) a (le |la |les )?(reveiller|relever)\b",
          f"personne qui ne répond plus : {_CALL}",
          unless=r"\b(medecin|docteur|mairie|caf|banque|employeur|patron|proprietaire|"
                 r"prefecture|service|standard|numero|ligne|site|assurance|secu|pole emploi|"
                 r"ils|administration|entreprise|agence|bailleur|mails?|messages?|appels?|"
                 r"telephone|courriers?|sms|lettres?|demandes?|relances?|dossier|"
                 r"le matin|reveil|ambassade|consulat|compagnie|aerien\w*|mutuelle|urssaf|"
                 r"impots|ecole|maitresse|professeur|prof|personne ne)\b"),
    _rule("urgent.collapse",
          r"\b(perte de connaissance|perd\w* connaissance|sans connaissance|inconscient\w*"
          r"|evanoui\w*|tomb\w* dans les pommes|comateu\w*|coma|yeux revulses|malaises?"
          r"|ne reprend pas ses esprits|passed out|unconscious|unresponsive|not responding"
          r"|collapsed|fainted|blacked out|will not wake up|won t wake up|wont wake up)\b"
          rf"|\b{_WHO}( \w+){{0,2}} (se |s )?(est |sont )?(effondr|ecroul)\w*"
          rf"|\b{_WHO}( \w+){{0,3}} (ne )?bouge (plus|pas)\b"
          r"|\b(tomb\w*|chute\w*|fell|fallen)\b.{0,60}\b(bouge|repond\w*|reagi\w*|releve\w*"
          r"|relever|connaissance|sang|saign\w*|conscien\w*|respir\w*|pale|par terre|au sol"
          r"|yeux fermes|dit rien|parle plus|wake|respond\w*|moving|blood)\b"
          r"|\b(par terre|au sol)\b.{0,40}\b(bouge|repond\w*|reagi\w*|respir\w*)",
          f"malaise, chute ou perte de connaissance : {_CALL}"),
    _rule("urgent.stroke",
          r"\b(avc|attaque cerebrale|accident vasculaire\w*)\b|\b(having|has|had|is having|"
          r"think \w+ (is|has)|a) (a )?stroke\b"
          r"|\b(bouche|visage|levre|face|mouth)( \w+){0,2} (de travers|tordue?|paralyse\w*"
          r"|deforme\w*|qui tombe|tombe|affaiss\w*|drooping|droops)\b"
          r"|\bmoitie (du |de le )?(visage|corps)|(un|le) cote du (visage|corps)"
          r"|\b(arrive\w*|peut|peux|parvien\w*) (plus|pas) a (parler|articuler)"
          r"|\b(melange|cherche|confond)\w* (les|ses|mes) mots|bafouill\w*|articul\w* mal"
          r"|parle (bizarre\w*|de travers|drole\w*|mal depuis)|elocution"
          r"|\b(bras|jambe|main)( \w+){0,2} (paralyse\w*|tout mou|toute molle|engourdi\w*"
          r"|retombe\w*|sans force|inerte|qui tombe)"
          r"|\bsens (plus|pas) (mon|son|sa|ma) (bras|jambe|main|visage)"
          r"|slurred speech|face drooping|arm weakness|can not speak properly",
          f"signes d'AVC (visage, parole, bras) : {_CALL}"),
    _rule("urgent.seizure",
          r"\b(convuls\w*|epilep\w*|spasmes|crise (de |d )?(tetanie|epilepsie|convulsion\w*)"
          r"|(tremble|secou\w*) de partout|se mord la langue|seizures?|fitting|convulsing)\b",
          f"convulsions : {_CALL}"),
    _rule("urgent.poisoning",
          r"\b(avale\w*|avaler|bu|boire|ingere\w*|gobe\w*|mange\w*|croque\w*|lech\w*"
          r"|swallow\w*|drank|ate|took)\b.{0,40}\b" + _DRUGS + r"|\b(avale\w*|avaler|bu|boire"
          r"|bois|ingere\w*|gobe\w*|mange\w*|croque\w*|lech\w*|swallow\w*|drank|drink\w*)\b"
          r".{0,40}\b" + _PRODUCTS + r"\b"
          r"|\b(pris|prise|prend|prendre|took)\b.{0,25}\b(toute? (la |sa |ma |une )?(boite|"
          r"plaquette)|boite entiere|plaquette entiere|trop de|beaucoup (trop )?de|plusieurs "
          r"(boites|plaquettes)|tous (mes|ses|les) (medicaments|cachets|comprimes)|\d{2,} "
          r"(comprimes|cachets|pilules|gelules)|whole (bottle|box|pack)|too many)"
          r"|\b(deux|2|trois|3) fois (ses|mes|son|sa|ma|mon|la|le) (medicaments|traitement|"
          r"dose|cachets|comprimes)"
          r"|\b(overdose\w*|surdose\w*|intoxi\w*|empoisonn\w*|antipoison|poisoned|poisoning)\b"
          r"|\b(gaz|monoxyde|chaudiere|chauffage|poele|brasero)\b.{0,60}\b(mal de tete|maux "
          r"de tete|malaise|vertiges?|nausees?|vomi\w*|endormi\w*)\b|\b(mal de tete|maux de "
          r"tete|malaise|vertiges?|nausees?)\b.{0,60}\b(gaz|monoxyde|chaudiere|chauffage|"
          r"poele|brasero)\b",
          "ingestion de médicaments ou de produits, intoxication : appeler le 15 "
          "(ou le centre antipoison) immédiatement"),
    _rule("urgent.bleeding",
          r"\b(crach\w*|touss\w*|vomi\w*|coughing( up)?|vomiting)( \w+)? (du |de le |de la "
          r")?(sang|blood)\b|\bsang dans (les |le |ses |mes |son |mon )?(crachats|selles|vomi"
          r"\w*|urines?)|hemorragi\w*|\bsaign\w*( \w+){0,4} (beaucoup|enormement|abondamment"
          r"|arrete pas|s arrete pas|arrete plus|s arrete plus|sans arret|partout|fort|trop"
          r"|depuis \d+ ?h\w*)\b|\bperd\w* (beaucoup|enormement|plein) de sang|pisse le sang"
          r"|plein de sang|bleeding (heavily|a lot|badly|won t stop|will not stop)",
          f"saignement abondant ou sang craché : {_CALL}"),
    _rule("urgent.confusion",
          r"\b(tres |completement |toute? |un peu |devenu\w* |est |semble )(confus|confuse)\b"
          r"|\bconfusion\b|\b(delire\w*|delirant\w*|hallucin\w*|desoriente\w*|somnolent\w*"
          r"|confused|disoriented|delirious)\b|\bne (me |nous |la |le |les )?reconnai\w* "
          r"(plus|pas)|\bdit n importe quoi|\bsait (plus|pas) ou (il|elle) (est|habite)",
          f"confusion soudaine : {_CALL}",
          unless=r"\b(regles|consignes|informations?|infos?|annonces?|dates?|discours|texte|"
                 r"attestation|formulaire|situation|explications?|gouvernement|ministre|"
                 r"medias|journa\w*|tele|president|mesures)\b"),
    _rule("urgent.infant",
          r"\b(bebe|nourrisson|nouveau ne|newborn|baby|infant|(fils|fille|petit\w*|enfant) "
          r"de \d+ (mois|semaines|jours))\b.{0,60}\b(fievre|temperature|chaud|brulant\w*|"
          r"3[89]|4[01]|fever|boit (plus|pas|rien)|tete (plus|pas)|refuse\w*|mou|molle|gemit|"
          r"geint|feed\w*|drink\w*|hot)\b"
          r"|\b(fievre|temperature|brulant\w*|fever)\b.{0,40}\b(bebe|nourrisson|nouveau ne|"
          r"baby|newborn|infant)\b"
          r"|\brefuse\w* (le sein|le biberon|de teter|son biberon)|\bne (boit|tete) (plus|pas)"
          r"|\b(boit|tete) plus (son|le|du|de) (biberon|lait|sein)",
          f"nourrisson fiévreux ou qui ne boit plus : {_CALL}"),
    _rule("urgent.suicide",
          r"\b(suicid\w*|idees? noires?|lettre (d |de )?adieu|envie de (mourir|crever|"
          r"disparaitre|en finir)|(veux|voudrais|veut|voulais|voudrait|prefere\w*|aimerais"
          r"|vais|pense a|penser a|ai envie de|a envie de|compte|songe a|reve de|menace de"
          r"|parle de|essaye de|essaie de)( \w+){0,2} (mourir|crever|disparaitre|en finir|"
          r"me tuer|se tuer|me pendre|se pendre)|en finir(?! avec (ce|cette|le|la|les|mon|ma|"
          r"mes|ces) (dossier|confinement|paperasse\w*|demarche\w*|travail|formulaire|"
          r"attestation|virus|crise|situation)))\b"
          r"|\b(je|j)\b( \w+){0,4} (me|m) (tuer|pendre|foutre en le air|jeter (sous|par|du|"
          r"de le|dans)|tailler les veines|ouvrir les veines|couper les veines|fai\w* du mal|"
          r"faire du mal|scarifi\w*|supprimer|flinguer|ouvrir les poignets)"
          r"|\b(envie|idee|idees|pense|penser|peur) (de|a) me (tuer|pendre|suicider|"
          r"faire du mal|jeter)"
          r"|\bmettre fin a (mes|ses|tes|ma|sa|ta) (jours|vie)|\b(plus|pas|aucune) envie de "
          r"vivre|marre de (la vie|vivre)|raison de vivre|mieux sans moi|(prefer\w*|voudrais"
          r"|aimerais)( \w+)? (etre )?mort\w*|(plus|jamais) (me|se) reveiller|ma vie (ne )?a "
          r"plus (de|aucun) sens|la vie ne vaut"
          r"|\b(kill (myself|himself|herself)|suicidal|end (my|his|her) life|ending my life"
          r"|want to die|wants to die|end it all|better off dead|hurt myself|no reason to "
          r"live|take my (own )?life)\b",
          "idées suicidaires : appeler le 3114 (ou le 15) immédiatement"),
    _rule("urgent.other",
          r"\b(gorge|visage|langue|levres|throat|face|tongue)( \w+){0,2} (qui )?(gonfl\w*|"
          r"enfl\w*|swell\w*|swollen)|choc anaphylactique|oedeme|anaphyla\w*"
          r"|\bbrul\w* (grave\w*|au \d|profond\w*)|\bgrave\w* brul\w*"
          r"|\brenvers\w* par (une|un) (voiture|camion|moto|bus|scooter)|\bnoy(e|ee|ade)\b"
          r"|\baccident (grave|de la route|de voiture)",
          f"urgence vitale possible : {_CALL}"),
)


def first_danger(text: str) -> DangerRule | None:
    """The first danger rule matching a plain text, if any."""
    for rule in RULES:
        if rule.match(text):
            return rule
    return None
