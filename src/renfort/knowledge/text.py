"""French (and English) text as citizens type it, turned into search terms.

The pipeline, in order:

1. :func:`fold`: lower case, one kind of apostrophe and dash, ligatures (œ → oe), the
   spoken and texted forms people type (``j'vais``, ``chui``, ``pk``, ``y'a``, ``stu``),
   the French elisions (``l'``, ``qu'``, ``j'``, ``jusqu'``…) and the English contractions
   (``can't``) written out, and every name of the virus made one word, ``covid``;
2. :func:`tokens`: words of letters and digits, accents kept (the stemmer needs them);
3. :func:`detect_lang`: French unless English function words clearly dominate;
4. :meth:`Analyzer.analyse`: stop words dropped, each word stemmed with the Snowball
   stemmer of its language, accents stripped *after* stemming, so ``écoles``, ``ecole`` and
   ``École`` meet on ``ecol``.

Pure and deterministic; the stemmer's cache is guarded by a lock because the API calls it
from several threads.
"""

from __future__ import annotations

import itertools
import re
import threading
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import snowballstemmer

from renfort.knowledge.literals import leading_literals

Lang = Literal["fr", "en"]
LANGS: tuple[Lang, ...] = ("fr", "en")

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'",
                              "‐": "-", "‑": "-", "–": "-", "—": "-",
                              "œ": "oe", "æ": "ae", "ß": "ss"})

# Spoken and texted French, Québec included. Patterns run on lower-cased text whose
# apostrophes are already plain; each replacement is what a careful writer would have typed.
_COLLOQUIAL: tuple[tuple[str, str], ...] = (
    (r"\bj'?(vais|veux|peux|dois|sais|suis|ai|avais|aurais|fais|habite|travaille)\b", r"je \1"),
    (r"\b(chui|chuis|jsuis|chu)\b", "je suis"),
    (r"\b(jsp|chais pas|chépa|chepa)\b", "je ne sais pas"),
    (r"\b(jai|jaie)\b", "j'ai"),
    (r"\b(cest|cé|c'é)\b", "c'est"),
    (r"\b(ya|y'a|ya-t-il|y'a-t-il|yatil)\b", "il y a"),
    (r"\b(stu|st-tu|ctu)\b", "est-ce que"),
    (r"\b(keske|kesk|keskon|qesque|quesque|qu'esque)\b", "qu'est-ce que"),
    (r"\b(pk|pq|pkoi|pourkoi|pourquoa)\b", "pourquoi"),
    (r"\b(koi|quoa)\b", "quoi"),
    (r"\b(kan|qd|kand)\b", "quand"),
    (r"\b(kel|kelle|kels)\b", "quel"),
    (r"\b(cb|combiens)\b", "combien"),
    (r"\b(bcp|bcq)\b", "beaucoup"),
    (r"\b(tjrs|tjs|tjr)\b", "toujours"),
    (r"\b(auj|ajd|aujd|ajrd|aujourdhui)\b", "aujourd'hui"),
    (r"\b(svp|stp|slt|bjr|bonjour|bonsoir|merci|mrc|please|hello|hi)\b", " "),
    (r"\b(rdv|rdz-vous)\b", "rendez-vous"),
    (r"\b(pr)\b", "pour"),
    (r"\b(ds)\b", "dans"),
    (r"\b(ac)\b", "avec"),
    (r"\b(dc)\b", "donc"),
    (r"\b(tt|tte|ttes)\b", "tout"),
    (r"\b(qqn|qq1|kelkun)\b", "quelqu'un"),
    (r"\b(qqch|qqc|kelkechose)\b", "quelque chose"),
    (r"\b(ptit|p'tit)\b", "petit"),
    (r"\b(ptite|p'tite)\b", "petite"),
    (r"\b(ptits|p'tits)\b", "petits"),
    (r"\b(attest|attes|atestation|atestations)\b", "attestation"),
    (r"\b(deconf|déconf|deconfinment|déconfinment)\b", "déconfinement"),
    (r"\b(confi|confinment|confinemment|confinnement)\b", "confinement"),
    (r"\b(chomdu|chômdu|chommage)\b", "chômage"),
    # every name of the virus is one word
    (r"\b(covid|corona|coronavirus|coronna|covd|sars-cov-2|sars-cov|sarscov2|sras)"
     r"(-?19|-2)?\b", " covid "),
    (r"\bcovid ?19\b", " covid "),
    (r"\bcorona ?virus\b", " covid "),
    (r"@covid|@virus", " covid "),
)
# Each with the strings its matches start with: most never occur in an article, and looking
# for them is much cheaper than running the pattern (see :mod:`renfort.knowledge.literals`).
_COLLOQUIAL_RE = tuple((re.compile(p), r, leading_literals(p)) for p, r in _COLLOQUIAL)

# French elisions: the article or pronoun is written out (they are stop words anyway) so the
# word after it stands alone: "l'attestation" → "le attestation", "qu'on" → "que on".
_ELISION = re.compile(r"\b(l|d|j|m|t|s|n|c|qu|jusqu|lorsqu|puisqu|quoiqu|presqu)'(?=\w)")
_ELIDED = {"l": "le", "d": "de", "j": "je", "m": "me", "t": "te", "s": "se", "n": "ne",
           "c": "ce", "qu": "que", "jusqu": "jusque", "lorsqu": "lorsque",
           "puisqu": "puisque", "quoiqu": "quoique", "presqu": "presque"}
_EN_CONTRACTIONS = ((re.compile(r"\b(can)'t\b"), "can not"), (re.compile(r"n't\b"), " not"),
                    (re.compile(r"'(m|re|ve|ll|d|s)\b"), " "))


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


_WORD = re.compile(r"[a-z0-9àâäáãåçéèêëíìîïñóòôöõúùûüýÿ]+")

FRENCH_STOPWORDS = _wordset("""
a à ai aie aient aies ait alors as au aucun aucune aura aurai auraient aurais aurait
aurez auront aussi autre aux avaient avais avait avant avec avez aviez avions avoir
avons ayant ayez ayons bien c ça ce ceci cela celle celles celui ces cet cette ceux chaque
chez ci comme comment d dans de des deja déjà dois doit doivent donc dont du e elle elles
en encore es est et etaient étaient etais étais etait était etant étant ete été etes êtes
etre être eu eue eues eumes eûmes eurent eus eusse eussent eut eût faire fait faut il
ils j je jusque l la le les leur leurs lors lorsque lui m ma mais me meme même mes moi
mon n ne ni nos notre nous on ont ou où par parce pas peu peut peuvent peux pourquoi
pour pourra pourrai pourrais pourrait pouvoir puis puisje puisque qu quand que quel
quelle quelles quels qui quoi s sa sans se sera serai seraient serais serait seront ses
si sil son sont sous soyez suis sur t ta te tes toi ton tous tout toute toutes tu un une
vais veux vos votre vous voudrais y est-ce quelque quelqu chose dire savoir fais
oui non ok voila voilà hein bah ben euh alors faudrait doisje svp merci
""")
ENGLISH_STOPWORDS = _wordset("""
a about am an and any are as at be been being but by can could did do does doing for
from had has have having he her here hers him his how i if in into is it its just me
my no nor not now of on or our ours she should so some such than that the their them
then there these they this those to too very was we were what when where which who whom
why will with would you your yours yourself get got does shall may might must ok please
""")
_EN_MARKERS = _wordset("the is are what how can do does my i you and of to for if when "
                       "should will with")
_FR_MARKERS = _wordset("le la les de des du est je un une et que qui pour dans pas ce "
                       "sur au aux mon ma mes il on vous nous")


def fold(text: str) -> str:
    """Lower case, plain apostrophes, colloquial and elided forms written out."""
    text = unicodedata.normalize("NFC", text).lower().translate(_APOSTROPHES)
    for pattern, replacement, needles in _COLLOQUIAL_RE:
        if needles is None or any(needle in text for needle in needles):
            text = pattern.sub(replacement, text)
    text = _ELISION.sub(lambda m: _ELIDED[m.group(1)] + " ", text)
    for pattern, replacement in _EN_CONTRACTIONS:
        text = pattern.sub(replacement, text)
    return text


def strip_accents(word: str) -> str:
    """``écolière`` → ``ecoliere``; only combining marks are removed."""
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tokens(text: str) -> list[str]:
    """Folded words of ``text``, accents kept, in order."""
    return _WORD.findall(fold(text))


def detect_lang(words: Sequence[str]) -> Lang:
    """``en`` only when English function words outnumber French ones; French otherwise."""
    english = sum(1 for w in words if w in _EN_MARKERS)
    french = sum(1 for w in words if strip_accents(w) in _FR_MARKERS)
    return "en" if english > french else "fr"


def is_stopword(word: str, lang: Lang) -> bool:
    plain = strip_accents(word)
    if lang == "en":
        return plain in ENGLISH_STOPWORDS
    return plain in FRENCH_STOPWORDS or word in FRENCH_STOPWORDS


@dataclass(frozen=True, slots=True)
class Word:
    """One content word of a text: its accent-free surface form and its stem."""

    surface: str
    stem: str


_UNSEEN = object()


class Analyzer:
    """Words → stems, with a bounded cache; one instance can serve many threads."""

    def __init__(self, cache_size: int = 200_000) -> None:
        self._stemmers = {"fr": snowballstemmer.stemmer("french"),
                          "en": snowballstemmer.stemmer("english")}
        self._cache: dict[tuple[str, str], str] = {}
        # A text's words are mostly words already seen: one look-up instead of the stop-word
        # test, two accent strips and the stem cache (a base is analysed word by word).
        self._words: dict[tuple[str, str], Word | None] = {}
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def stem(self, word: str, lang: Lang) -> str:
        """Snowball stem of ``word`` (accents kept while stemming, stripped after)."""
        key = (word, lang)
        found = self._cache.get(key)
        if found is not None:
            return found
        with self._lock:
            stem = strip_accents(self._stemmers[lang].stemWord(word))
            if len(self._cache) >= self._cache_size:
                self._cache.clear()
            self._cache[key] = stem
        return stem

    def word(self, word: str, lang: Lang) -> Word | None:
        """The content word of a token, or None for a stop word or a lone letter."""
        key = (word, lang)
        found = self._words.get(key, _UNSEEN)
        if found is not _UNSEEN:
            return found  # type: ignore[return-value]
        kept = (not is_stopword(word, lang) and len(word) > 1) or word.isdigit()
        made = Word(strip_accents(word), self.stem(word, lang)) if kept else None
        if len(self._words) >= self._cache_size:
            self._words.clear()
        self._words[key] = made  # the same value whoever writes it: no lock needed
        return made

    def analyse(self, text: str, lang: Lang | None = None) -> tuple[list[Word], Lang]:
        """Content words of ``text`` (stop words dropped) and the language used."""
        words = tokens(text)
        chosen: Lang = lang or detect_lang(words)
        out = [w for w in map(self.word, words, itertools.repeat(chosen)) if w is not None]
        return out, chosen


Stemmer = Callable[[str, Lang], str]
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_NUMBER = re.compile(r"(?<!\d)(\+?\d[\d .-]{6,}\d)(?!\d)")


def mask_personal(text: str) -> str:
    """``text`` with e-mail addresses and phone-like numbers masked (for the triage log)."""
    text = _EMAIL.sub("***@***", text)
    return _NUMBER.sub(lambda m: "•" * max(0, len(m.group(1)) - 2) + m.group(1)[-2:], text)
