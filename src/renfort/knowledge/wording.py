"""How the scope guard reads a message: plain words, texted forms, typos, idioms, clauses.

The triage rules are patterns over a *plain* form of the text: lower case, no accents, no
punctuation, elisions written out ("j'ai du mal" → "je ai du mal"), one space between
words. On top of :func:`renfort.knowledge.text.tokens`, this module

* writes out the texted and familiar forms that matter for safety (``pa`` → ``pas``,
  ``plu`` → ``plus``, ``bb`` → ``bebe``, ``medocs`` → ``medicaments``, ``jtousse`` →
  ``je tousse``…);
* corrects misspelt *danger words* only ("inconsiant" → "inconscient", "convultion" →
  "convulsion"), with the distance of :mod:`renfort.knowledge.fuzzy`, never a common word
  that happens to be close to one ("signer" stays "signer", not "saigner");
* masks figures of speech that would read as danger ("je meurs de faim", "mort de rire",
  "ça me tue", "tomber en panne"), so that no rule and no model feature sees them;
* splits a message into sentences and clauses, so that the most serious one decides.
"""

from __future__ import annotations

import re

from renfort.knowledge.fuzzy import Vocabulary
from renfort.knowledge.text import strip_accents, tokens

# Texted and familiar forms, word for word (after accents are stripped).
_WORDS = {
    "pa": "pas", "plu": "plus", "pu": "plus", "ke": "que", "k": "que", "ki": "qui",
    "bb": "bebe", "bebes": "bebe", "mn": "mon", "tro": "trop", "oci": "aussi",
    "ossi": "aussi", "medoc": "medicaments", "medocs": "medicaments",
    "cacheton": "cachets", "cachetons": "cachets", "cp": "comprimes", "cps": "comprimes",
    "depui": "depuis", "tjr": "toujours", "mm": "meme", "jpeux": "je peux", "gt": "j etais",
    "ct": "c etait", "chui": "je suis", "jsui": "je suis", "jsuis": "je suis",
    "jen": "je en", "jarrive": "je arrive", "jai": "je ai", "g": "je ai", "repon": "repond",
    "respir": "respire", "vx": "veux", "veu": "veux", "sui": "suis", "pk": "pourquoi",
    "mourrir": "mourir",
}
# "pu" is also the participle of "pouvoir" ("j'ai pu sortir"): keep it after a form of avoir.
_AVOIR = frozenset({"ai", "as", "a", "avons", "avez", "ont", "aurait", "aurais", "avait",
                    "avais", "aurai", "jamais"})
_J_VERB = re.compile(r"^j([bcdfgklmnpqrstvwxz][a-z]{3,})$")

DANGER_WORDS = frozenset("""
respirer respire respiration respirait respirent etouffe etouffer suffoque essouffle
essoufflee inconscient inconsciente evanoui evanouie evanouir connaissance convulsion
convulsions convulse epilepsie epileptique overdose surdose medicaments comprimes somniferes
paracetamol doliprane suicide suicider suicidaire poitrine thoracique infarctus cardiaque
hemorragie saigne saigner saignement confuse confusion desoriente desorientee reveille
reveiller nourrisson biberon temperature paralyse paralysee bafouille empoisonne empoisonnee
intoxique intoxiquee intoxication lessive mourir disparaitre malaise tombee effondre
effondree releve relever reagit reagir repond fievre
""".split())  # noqa: SIM905
"""The words worth correcting when misspelt; every other word is read as typed."""

GUARD_WORDS = frozenset("""
signe signer signes signee signature soigne soigner soignee soignant soignants soignante
baigne baigner courir sourire nourrir prendre rendre vendre pendant malaisie lievre poisson
poissons respecte respecter reserve reserver revenir reveil tombe tombes tombent repondu
reponse reponses reponds repondre reagi comprise compris confine confinee confiner confines
surface medicale medical medicaux retraite traite releve relevee releves relevent
temperatures doliprane saigner meurtre courrier cardiaques convention
""".split())  # noqa: SIM905
"""Common words close to a danger word: never "corrected" into one."""

_VOCABULARY = Vocabulary()
for _word in DANGER_WORDS | GUARD_WORDS:
    _VOCABULARY.add(_word)


def _correct(word: str) -> str:
    if len(word) < 6 or word in _VOCABULARY or word.isdigit():
        return word
    found = _VOCABULARY.closest(word, limit=2)
    if not found:
        return word
    best, edits = found[0]
    tied = [w for w, e in found if e == edits]
    if best in DANGER_WORDS and not any(w in GUARD_WORDS for w in tied):
        return best
    return word


def plain_words(text: str) -> list[str]:
    """The words of ``text`` as the rules read them (see the module's docstring)."""
    out: list[str] = []
    for raw in tokens(text):
        word = strip_accents(raw)
        if word == "pu" and out and out[-1] in _AVOIR:
            out.append(word)
            continue
        mapped = _WORDS.get(word)
        if mapped is None:
            verb = _J_VERB.match(word)
            mapped = f"je {_correct(verb.group(1))}" if verb else _correct(word)
        out.extend(mapped.split())
    return out


def plain(text: str) -> str:
    """The plain form: one space between plain words, figures of speech masked."""
    return mask_idioms(" ".join(plain_words(text)))


# Figures of speech, on the plain form. Each is replaced by "_" so that its words count for
# nothing: no rule fires on them and the model does not see them.
_IDIOMS = re.compile("|".join((
    # "je meurs de faim / d'envie", "mort de rire / de fatigue / de trouille"…
    r"\b(meur[st]?|mourir|mourais|mourrai\w*|meurent|morte?s?|crev\w*)( de| a| en)? "
    r"(envie|faim|soif|froid|chaud|rire|ennui|fatigue|honte|trouille|peur|impatience|"
    r"sommeil|curiosite|jalousie|stress|boulot|travail|chaleur|rigoler)",
    r"\ba mourir( de \w+)?\b", r"\bbelle a mourir\b",
    r"\b(je suis|on est|il est|elle est|chui) (mort|morte|morts|crev\w*|ko|claque\w*|"
    r"lessive\w*|vanne\w*|rince\w*|naze|hs)\b(?! (de|depuis))",
    r"\b(mdr|ptdr|lol|xptdr|mort de rire)\b",
    # "ça me tue", "ce télétravail me tue", "mon patron me tue avec ses mails"
    r"\b(ca|cela|ce \w+|cette \w+|il|elle|tu|vous|ils|mon \w+|ma \w+|mes \w+|le \w+|"
    r"la \w+|les \w+) me tuen?t?\b( a petit feu)?",
    r"\b(me|se|te) (suis |est |es )?tue\w* (a la tache|au travail|a le travail)\b",
    r"\btuer le temps\b", r"\bca tue\b", r"\bmortel\w*\b",
    # "tomber amoureux / en panne / sur une info / des nues"
    r"\btomb\w* (amoureu\w*|en panne|sur|des nues|a pic|dans le panneau|de haut|"
    r"malade de rire|a l eau)\b",
    # "ça me rend malade (de payer)", "ça me rend dingue"
    r"\b(ca|cela|ce \w+|il|elle|ils|tu|vous|mon \w+|ma \w+|les \w+) me rend\w* "
    r"(malade|dingue|fou|folle|chevre)\b",
    r"\bavale\w* (la pilule|des couleuvres|le programme|tout le programme)\b",
    # asking for a person is not health content ("parler à un conseiller")
    r"\b(parler|discuter|joindre|avoir) (a |avec )?(un |une )?(conseill\w*|agent|humain|"
    r"operat\w*|vraie personne)\b|\b(talk|speak) to (an? )?(agent|human|real person)\b",
    r"\b(dying to|killing me|kills me|to die for|dead tired|i am dead|bored to death|"
    r"scared to death)\b",
)))


def mask_idioms(text: str) -> str:
    """The plain ``text`` with its figures of speech replaced by ``_``."""
    return _IDIOMS.sub("_", text)


_CLAUSE = re.compile(r"[.!?;\n]+|\s(?:mais|par contre|sinon|autre question|autre chose|"
                     r"au fait|d'ailleurs|ps|ah et|en plus|also|but|by the way)\s", re.I)


def clauses(text: str) -> list[str]:
    """The sentences and clauses of a message, as typed (empty ones dropped)."""
    parts = [p.strip() for p in _CLAUSE.split(text)]
    return [p for p in parts if p and any(c.isalnum() for c in p)]
