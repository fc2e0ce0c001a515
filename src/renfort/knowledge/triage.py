"""The scope guard: is this question for a non-medical line at all?

Five labels, most serious first:

* ``medical_urgent``: any sign of danger (breathing, chest pain, collapse or a fall with no
  response, blue lips, stroke signs, convulsions, swallowed drugs or products, bleeding,
  sudden confusion, a feverish infant, any wish to die) → "call 15 now" (3114 for
  suicidal thoughts); the lexicon is :mod:`renfort.knowledge.danger`;
* ``medical``: the person's own or a relative's health (feeling unwell, symptoms, being ill
  or exposed, tests, treatment, whether a medicine works, a diagnosis) → a doctor;
* ``psychological``: distress, anxiety, loneliness → a listening line;
* ``health_info``: general public-health information the official base may answer,
  without personal advice;
* ``non_medical``: rules, work, schools, money, travel… the hotline's business.

A message is read whole *and* clause by clause (:func:`renfort.knowledge.wording.clauses`):
the most serious reading decides, so a question on certificates followed by "and my father
fell and does not get up" is urgent. Each reading goes through the transparent rules (the
danger lexicon first, then the medical and psychological rules); the trained model
(:mod:`renfort.knowledge.model`) reads the whole message when no rule matched. The
model's probabilities are read with
**asymmetric thresholds** chosen on a dev set by ``scripts/train_triage.py``, never "the
highest class wins": a message is redirected as soon as the probability of the three
redirected classes together reaches a low threshold, because a wrong "non-medical" costs
far more than a wrong "medical" (``docs/triage.md`` shows the curve). Every decision
carries its reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from renfort.knowledge import danger
from renfort.knowledge.model import LinearModel, features
from renfort.knowledge.text import Analyzer
from renfort.knowledge.wording import clauses
from renfort.knowledge.wording import plain as _plain


class Label(StrEnum):
    MEDICAL_URGENT = "medical_urgent"
    MEDICAL = "medical"
    PSYCHOLOGICAL = "psychological"
    HEALTH_INFO = "health_info"
    NON_MEDICAL = "non_medical"


SEVERITY = (Label.MEDICAL_URGENT, Label.MEDICAL, Label.PSYCHOLOGICAL, Label.HEALTH_INFO,
            Label.NON_MEDICAL)
"""Most serious first: the order in which two readings of one message are compared."""
REDIRECTED = frozenset({Label.MEDICAL_URGENT, Label.MEDICAL, Label.PSYCHOLOGICAL})
"""Labels never answered from the base nor queued to a non-medical agent."""
SUICIDE_RULE = "urgent.suicide"
"""Rule id prefix of suicidal thoughts (their redirect gives 3114)."""

# Patterns run on the plain form of renfort.knowledge.wording: lower case, no accents, no
# punctuation, elisions written out ("j'ai du mal" → "je ai du mal"), texted forms written
# out, figures of speech masked, one space between words.
_PERSON = r"\b(je|me|moi|mon|ma|mes|nous|notre|nos|i|my|we|our)\b"
_RELATIVE = (r"\b(mon|ma|mes|notre|nos|my|our) (mari|femme|epoux|epouse|conjointe?|compagnon|"
             r"compagne|copain|copine|fils|fille|enfants?|bebe|pere|mere|parents?|frere|soeur|"
             r"grand mere|grand pere|papi|mamie|voisine?|colocataire|coloc|collegues?|gamin\w*|"
             r"petite?|ado|oncle|tante|neveu|niece|"
             r"husband|wife|son|daughter|child|children|kids?|baby|mother|father|mom|mum|dad|"
             r"partner|roommate|colleague)\b")
_SYMPTOM = (r"\b(fievre|febrile|temperature|toux|tousse|tousser|courbatur\w*|frissons?|"
            r"frissonne\w*|mal (de|a la) gorge|maux de gorge|gorge (en feu|qui gratte)|"
            r"mal (de|a la) tete|maux de tete|migraines?|"
            r"perte (de|du) (le )?(odorat|gout)|odorat|anosmie|agueusie|diarrhee|nausees?|"
            r"vomi\w*|rhume|nez (qui coule|bouche)|eternu\w*|fatigue (intense|extreme|"
            r"inhabituelle)|(tres|trop|super|hyper|vraiment|completement|tout le temps) fatigue\w*|"
            r"fatigue\w* depuis|epuise\w*|douleurs? musculaires?|vertiges?|boutons|plaques|"
            r"crev(e|ee)|mal au ventre|mal partout|symptomes?|malades?|infecte\w*|"
            r"contamine\w*|positi(f|ve)|porteu(r|se)|fever|feverish|cough\w*|sore throat|"
            r"headache|symptoms?|sick|ill|infected|runny nose|smell|taste|diarrh\w+|chills|"
            r"body aches?|unwell|3[89]|40)\b"
            r"|\b(a|ai|as|avons|ont|avait|has|have|had|got) (le |la |attrape le )?covid\b"
            r"|\b(chope|attrape)\w* (le )?(covid|virus)")
_DRUGS = (r"ibuprofene|advil|nurofen|antarene|paracetamol|doliprane|efferalgan|dafalgan|"
          r"aspirine|anti inflammatoires?|antiinflammatoires?|ains|cortisone|corticoides?|"
          r"chloroquine|hydroxychloroquine|plaquenil|nivaquine|azithromycine|antibiotiques?|"
          r"antiviral|antiviraux|medicaments?|remedes?|homeopathi\w*|vitamines? \w+|"
          r"remdesivir|kaletra|lopinavir|ritonavir|tocilizumab|interferon|ivermectine|"
          r"anticoagulants?|nicotine|bcg|plasma|huiles? essentielles?|tisanes?|artemisia|"
          r"anticorps|serum|zinc|protocole|ibuprofen|tylenol|acetaminophen|aspirin|"
          r"medicines?|medication|drugs?|hydroxy\w*|antibiotics?|remdesivir|ivermectin")

_RULES: tuple[tuple[str, Label, str, str], ...] = (
    # (rule id, label, pattern, reason); the urgent ones are in renfort.knowledge.danger
    ("medical.unwell", Label.MEDICAL,
     r"\b(je|il|elle|on|mon \w+|ma \w+)( ne)?( me| se)? (sens|sent|suis|est|va|vais)"
     r"( \w+)? (pas|plus) (tres |trop |du tout |vraiment |super |en )?(bien|forme|fort)\b"
     r"|\b(me|se) sen[st] (\w+ )?(mal|faible|patraque|fievreu\w*|malade|bizarre|etrange|"
     r"vaseu\w*|fatigue\w*|ko)\b|\bpas dans (mon|son|sa) assiette|\bmal fichu\w*"
     r"|\bi (do not|don t|dont) feel (well|good|right|great)|\bfeel(ing)? (sick|unwell|ill|"
     r"bad|awful|terrible|funny|weird)\b|\bnot feeling (well|good|great)",
     "la personne ou un proche ne se sent pas bien : médecin traitant"),
    ("medical.symptoms", Label.MEDICAL, "", "symptômes ou maladie de la personne ou d'un "
     "proche : médecin traitant"),
    ("medical.exposure", Label.MEDICAL,
     r"\b(contact|cotoye|croise|vis avec|vit avec|habite avec|exposed|close contact|dine\w*"
     r"|mange\w* avec|vu)\b.{0,60}"
     r"\b(malade|infecte\w*|contamine\w*|positi(f|ve)|cas|covid|porteur|case|sick)\b"
     r"|\b(covid|positi(f|ve)|infecte\w*|malade)\b.{0,40}\b(collegue|travail|bureau|"
     r"famille|maison|immeuble|entourage|coworker|colleague)\b"
     r"|\b(teste|testee|tested) (positi\w*|negati\w*)",
     "contact avec une personne malade : médecin traitant"),
    ("medical.testing", Label.MEDICAL,
     r"\b(me|se|nous|le|la|les|te|vous|get|be|getting|being) (faire )?(tester|teste|"
     r"depister|tested|screened)\b|\b(suis je|ai je|am i|do i have|est ce que je suis|"
     r"est ce que je ai|have i got)\b.{0,30}"
     r"\b(positi\w*|malade|infecte\w*|contamine\w*|covid|virus|grippe|sick|infected|it)\b"
     r"|\b(test|tests|depistage|prelevement|pcr|serologi\w*|testing)\b",
     "dépistage : médecin traitant"),
    ("medical.diagnosis", Label.MEDICAL,
     r"\bdiagnosti\w*|\bdiagnos\w*|\b(aide\w*|aider|help)( moi| me)? a (savoir|comprendre|"
     r"determiner|evaluer|identifier|trouver)( si| ce que)? (je|mon|ma|j)\b"
     r"|\b(comment|how)( puis je| je peux| on peut| faire pour)? (savoir|reconnaitre|etre sur"
     r"|know|tell)( \w+)? (si|que|if) (je|j|mon|ma|on|il|elle|i|my)\b.{0,30}\b(covid|virus|"
     r"malade|contamine\w*|infecte\w*|grippe|positi\w*|symptome\w*|sick|infected|gueri\w*|"
     r"immunise\w*|porteu\w*|attrape\w*|rhume|allergie|angine|it)\b"
     r"|\b(mes|ses|les|my) (symptomes|symptoms) (ressembl\w*|correspond\w*|sont ceux|look|"
     r"match)|\bevaluer (mes|ses) symptomes|\bhelp me (figure out|know|find out)"
     r"|\b(c est|est ce|est il) (grave|inquietant|normal)\w* (si|que|de|quand) (je|j|mon|"
     r"ma|il|elle|on)\b|\bce que je ai\b(?! (le )?droit)",
     "demande d'avis ou de diagnostic : médecin traitant"),
    ("medical.symptom_question", Label.MEDICAL, "",
     "un symptôme et la question de savoir ce qu'il est : médecin traitant"),
    ("medical.medicines", Label.MEDICAL,
     r"\b(" + _DRUGS + r"|soign(e|er|ent|ez|ons|ait)|gueri\w*|guerir|cure|treat)\b"
     r"|\btraitements?\b.{0,25}\b(covid|maladie|contre|antiviral|efficace|marche|"
     r"fonctionne|pour|des|oublie)\b|\bordonnances?\b|\btreatment\b"
     r"|\b(traite\w*|soins|prise en charge|donne\w*|treat\w*)\b.{0,40}\b(malades|"
     r"infecte\w*|contamine\w*|positifs?|patients?|atteint\w*|touche\w*|infected|sick "
     r"people)\b",
     "médicaments ou traitement : médecin ou pharmacien"),
    ("medical.care", Label.MEDICAL,
     r"\b(appeler|consulter|contacter|joindre|aller aux|aller a le|call|see|voir)\b.{0,20}"
     r"\b(15|samu|urgences|medecin|docteur|hopital|doctor|hospital|generaliste)\b",
     "recours aux soins : médecin traitant, ou le 15 en cas d'urgence"),
    ("medical.condition", Label.MEDICAL,
     r"\b(je suis|je ai|j ai|i am|i have|im|il est|elle est|est)\b.{0,20}\b(enceinte|"
     r"diabet\w*|asthm\w*|immunodeprime\w*|greffe\w*|obese|cardiaque|dialys\w*|chimio\w*|"
     r"cancer|hypertension|tension|insuffisan\w*|maladie chronique|pregnant|diabetes|"
     r"diabetic|asthma|immunocompromised|heart condition)\b"
     r"|\b(je fais partie|je suis|i am|im)\b.{0,12}\b(personnes?|groupe|group)?.{0,6}"
     r"\b(a|at) (risque|risk)\b|\b(high risk|a risque)\b.{0,20}\b(moi|me)\b"
     r"|\bsous (chimio\w*|anticoagulants?|cortisone|traitement|dialyse)",
     "état de santé personnel : médecin traitant"),
    ("medical.worried", Label.MEDICAL,
     r"\b(peur|crains|pense|impression|afraid|think|worried|crois)\b.{0,25}\b(avoir|etre|"
     r"que je|have|got|caught|ai|suis)\b.{0,20}\b(covid|virus|contamine\w*|infecte\w*|"
     r"malade|attrape\w*|it|infected|sick)\b",
     "crainte d'être malade : médecin traitant"),
    ("medical.if_ill", Label.MEDICAL,
     r"\b(si|quand|lorsque|if|when|once)\b (je|j|on|mon \w+|ma \w+|i|my \w+|we)\b.{0,8}"
     r"\b(suis|tombe|tombons|ai|a|avons|attrape\w*|get|gets|got|have|has|catch\w*|caught|am|"
     r"is|test\w*|become|fall)\b.{0,12}\b(malade|le covid|covid|virus|contamine\w*|"
     r"infecte\w*|positi\w*|it|sick|ill|infected|symptoms?)\b",
     "conduite à tenir en cas de maladie : médecin traitant"),
    ("medical.prognosis", Label.MEDICAL,
     r"\b(vais je|est ce que je vais|will i|could i|am i going to)\b.{0,25}"
     r"\b(mourir|survivre|guerir|die|survive|recover)\b",
     "pronostic personnel : médecin traitant"),
    ("medical.poison", Label.MEDICAL,
     # Spraying or gargling household chemicals "against the virus" is a poisoning risk,
     # never a question for the information line (swallowing them is urgent: danger.py).
     r"\b(injecter|injecte\w*|pulveris\w*|vaporis\w*|gargaris\w*|inject\w*|spray\w*|"
     r"gargl\w*)\b.{0,40}\b(javel|desinfectant\w*|chlore|produits? menagers?|"
     r"gel hydroalcoolique|disinfectant\w*|bleach|cleaners?|cleaning products?|chlorine|"
     r"sanitizer\w*|lysol)\b",
     "pulvérisation ou injection d'un produit ménager : centre antipoison ou médecin"),
    ("medical.bleeding", Label.MEDICAL,
     r"\bsaign\w*|\bdu sang\b|\bbleed\w*",
     "saignement : médecin traitant, ou le 15 s'il est abondant"),
    ("psychological.distress", Label.PSYCHOLOGICAL,
     r"\b(angoiss\w*|anxi\w*|panique\w*|stress\w*|deprim\w*|depress\w*|"
     r"moral (a zero|au plus bas|en berne)|le moral|je craque|en peux? plus|"
     r"a bout|au bout du rouleau|pleur\w*|insomni\w*|dors plus|dors pas|cauchemar\w*|"
     r"me sens (seule?|isolee?|perdue?|vide|nulle?|inutile)|(tellement|si|trop|tres|tout) "
     r"seule?s?\b|solitude|detresse|burn ?out|soutien psychologique|psychologue|psy|"
     r"psychiatr\w*|besoin de parler|besoin de soutien|parler a quelqu un|(a|pour) qui "
     r"parler|parle a personne|boule au ventre|(suis|sens|sent) (\w+ )?triste\w*|tristesse|"
     r"en deuil|a cran|terroris\w*|(arrive|peux|parvien)\w* (plus|pas) a faire face|"
     r"supporte plus|peur de tout|me en remettre|lonely|anxious|anxiety|"
     r"depressed|panic|stressed|can not cope|overwhelmed|need to talk|mental health)\b",
     "détresse psychologique : ligne d'écoute"),
)
_PERSON_RE = re.compile(_PERSON)
_RELATIVE_RE = re.compile(_RELATIVE)
_SYMPTOM_RE = re.compile(_SYMPTOM)
Matcher = Callable[[str], "str | None"]


def _personal_symptom(text: str) -> str | None:
    """A symptom (or being ill, infected, positive) said of oneself or of a relative."""
    symptom = _SYMPTOM_RE.search(text)
    if symptom and (_PERSON_RE.search(text) or _RELATIVE_RE.search(text)):
        return symptom.group(0)
    return None


_WHAT_IS_IT = re.compile(
    r"\b(est ce|c est|serait ce|ce serait|ca (peut|pourrait) etre|peut etre|signe|signes|"
    r"symptome|symptomes|is it|could it be|might it be|sign of|signs of)\b.{0,30}"
    r"\b(covid|corona\w*|virus|grippe|flu)\b"
    r"|\b(covid|corona\w*|virus)\b.{0,15}\bou\b.{0,15}\b(rhume|grippe|allergie\w*|angine)\b"
    r"|\b(rhume|grippe|allergie\w*|angine)\b.{0,15}\bou\b.{0,15}\b(covid|corona\w*)\b")
_TELL_APART = re.compile(
    r"\b(distingu\w*|distinction|faire la difference|differencier|tell apart|"
    r"tell the difference)\b.{0,50}\b(rhume|rhumes|grippe|allergie\w*|angine|covid|"
    r"corona\w*|cold|flu|allerg\w*)\b"
    r"|\bcomment\b.{0,30}\b(savoir|reconnaitre|deviner)\b.{0,20}\b(si|que|s)\b.{0,20}"
    r"\b(est|a|ont|sont|suis|ai)\b.{0,10}\b(infecte\w*|contamine\w*|malade|positi\w*|"
    r"covid|porteu\w*|atteint\w*)\b")
_SHORT = 4
"""Words at most of a message that is little more than a symptom ("Rhume ?")."""


def _symptom_question(text: str) -> str | None:
    """Asking what a symptom is, or how to tell the illness apart: a diagnosis is asked
    for, whoever it is about. A message that is hardly more than a symptom counts too:
    when in doubt, it is medical."""
    tell = _TELL_APART.search(text)
    if tell:
        return tell.group(0)
    symptom = _SYMPTOM_RE.search(text)
    if symptom is None:
        return None
    if _WHAT_IS_IT.search(text) or len(text.split()) <= _SHORT:
        return symptom.group(0)
    return None


def _regex(pattern: str) -> Matcher:
    compiled = re.compile(pattern)

    def match(text: str) -> str | None:
        found = compiled.search(text)
        return found.group(0).strip() if found else None

    return match


_MATCHERS: dict[str, Matcher] = {"medical.symptoms": _personal_symptom,
                                  "medical.symptom_question": _symptom_question}
"""Rules that are more than one pattern."""
RULES: tuple[tuple[str, Label, Matcher, str], ...] = tuple(
    [(rule.id, Label.MEDICAL_URGENT, rule.match, rule.reason) for rule in danger.RULES]
    + [(rule_id, label, _regex(pattern) if pattern else _MATCHERS[rule_id], reason)
       for rule_id, label, pattern, reason in _RULES])
"""The rules in the order they are tried: ``(id, label, matcher, reason)``."""


@dataclass(frozen=True, slots=True)
class Decision:
    label: Label
    reason: str
    rule: str | None
    """Rule id, or ``model`` when the model decided."""
    probabilities: Mapping[str, float] = field(default_factory=dict)
    clause: str | None = None
    """The sentence or clause that decided, when the message has several."""

    @property
    def redirected(self) -> bool:
        return self.label in REDIRECTED

    @property
    def suicide(self) -> bool:
        return (self.rule or "").startswith(SUICIDE_RULE)


def plain(text: str) -> str:
    """The form the rules and the model read (see :mod:`renfort.knowledge.wording`)."""
    return _plain(text)


def first_rule(text: str) -> tuple[str, Label, str, str] | None:
    """The first rule matching a plain text: ``(id, label, matched words, reason)``."""
    for rule_id, label, match, reason in RULES:
        matched = match(text)
        if matched:
            return rule_id, label, matched, reason
    return None


@dataclass(frozen=True, slots=True)
class Thresholds:
    """How the model's probabilities become a label (chosen on a dev set, see the module).

    A reading is redirected when ``p(urgent) + p(medical) + p(psychological) ≥ redirect``;
    it is urgent when ``p(urgent) ≥ urgent``; otherwise it is health information when
    ``p(health_info) ≥ health``, else non-medical.
    """

    redirect: float = 0.5
    urgent: float = 0.5
    health: float = 0.5

    @classmethod
    def from_meta(cls, meta: Mapping[str, object]) -> Thresholds:
        def read(key: str, default: float) -> float:
            value = meta.get(key, default)
            return float(value) if isinstance(value, int | float) else default

        return cls(read("redirect_threshold", read("medical_threshold", 0.5)),
                   read("urgent_threshold", 0.5), read("health_threshold", 0.5))


def label_from(probabilities: Mapping[str, float], thresholds: Thresholds) -> Label:
    """The recall-first reading of the model's probabilities (never the arg-max)."""
    urgent = probabilities.get("medical_urgent", 0.0)
    medical = probabilities.get("medical", 0.0)
    psychological = probabilities.get("psychological", 0.0)
    if urgent >= thresholds.urgent:
        return Label.MEDICAL_URGENT
    if urgent + medical + psychological >= thresholds.redirect:
        return Label.PSYCHOLOGICAL if psychological > medical + urgent else Label.MEDICAL
    if probabilities.get("health_info", 0.0) >= thresholds.health:
        return Label.HEALTH_INFO
    return Label.NON_MEDICAL


class Triage:
    """Rules first, then the model read with the thresholds shipped in its metadata."""

    def __init__(self, model: LinearModel | None, analyzer: Analyzer | None = None,
                 thresholds: Thresholds | None = None) -> None:
        self.model = model
        self.analyzer = analyzer or Analyzer()
        self.thresholds = thresholds or Thresholds.from_meta(model.meta if model else {})

    def classify(self, question: str) -> Decision:
        """The most serious reading of the whole message and of each of its clauses."""
        pieces = clauses(question)
        readings = [self._reading(question, None)]
        if len(pieces) > 1:
            # Each clause through the rules; the model reads the whole message only (on a
            # few words out of context it is noise: "ma mère est à Lille" is not urgent).
            readings += [self._reading(piece, piece, with_model=False) for piece in pieces]
        return min(readings, key=lambda d: (SEVERITY.index(d.label), d.rule == "model"))

    def probabilities(self, text: str) -> dict[str, float]:
        """The model's probabilities for a text (empty without a model)."""
        if self.model is None:
            return {}
        return self.model.probabilities(features(plain(text), self.analyzer))

    def _reading(self, text: str, clause: str | None, with_model: bool = True) -> Decision:
        plain_text = plain(text)
        hit = first_rule(plain_text)
        model = self._model_reading(plain_text, clause) if with_model else None
        if hit is not None:
            # A rule says what the message is about; the model only reads what no rule
            # understood (its urgent class is a safety net, not a second opinion on a
            # fever the rules already sent to a doctor).
            rule_id, label, matched, reason = hit
            return Decision(label, f"{reason} (« {matched} »)", rule_id,
                            model.probabilities if model else {}, clause)
        if model is None:
            return Decision(Label.NON_MEDICAL, "aucune règle médicale ne s'applique", None,
                            clause=clause)
        return model

    def _model_reading(self, plain_text: str, clause: str | None) -> Decision | None:
        if self.model is None or not plain_text.strip("_ "):
            return None
        feats = features(plain_text, self.analyzer)
        probabilities = self.model.probabilities(feats)
        label = label_from(probabilities, self.thresholds)
        model_class = str(label) if str(label) in self.model.classes else (
            "medical" if label in REDIRECTED else "non_medical")
        clues = self.model.explain(feats, model_class)
        shown = ", ".join(c.split(":", 1)[1] for c in clues) or "—"
        redirect = sum(probabilities.get(str(k), 0.0) for k in REDIRECTED)
        reason = (f"modèle : p(orienter)={redirect:.2f} (seuil "
                  f"{self.thresholds.redirect:.2f}), p(urgent)="
                  f"{probabilities.get('medical_urgent', 0.0):.2f}, p(info santé)="
                  f"{probabilities.get('health_info', 0.0):.2f} ; indices : {shown}")
        return Decision(label, reason, "model",
                        {k: round(v, 4) for k, v in probabilities.items()}, clause)
