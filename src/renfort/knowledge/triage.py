"""The scope guard: is this question for a non-medical line at all?

Five labels, most serious first:

* ``medical_urgent``: breathing difficulty, chest pain, fainting, suicidal thoughts →
  "call 15 now"; decided by rules only, and every breathing difficulty is one;
* ``medical``: the person's own or a relative's health (symptoms, being ill or exposed,
  whether to get tested, treatment, medicines) → a doctor or the medical line;
* ``psychological``: distress, anxiety, loneliness → a listening line;
* ``health_info``: general public-health information the official base may answer,
  without personal advice;
* ``non_medical``: rules, work, schools, money, travel… the hotline's business.

The transparent rules below run first, in that order; the first that matches decides.
When none matches, the trained model (:mod:`renfort.knowledge.model`) decides, with a
medical threshold set low on purpose: missing a medical question costs more than sending a
non-medical one to a doctor. Every decision carries its reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from renfort.knowledge.model import LinearModel, features
from renfort.knowledge.text import Analyzer, strip_accents, tokens


class Label(StrEnum):
    MEDICAL_URGENT = "medical_urgent"
    MEDICAL = "medical"
    PSYCHOLOGICAL = "psychological"
    HEALTH_INFO = "health_info"
    NON_MEDICAL = "non_medical"


REDIRECTED = frozenset({Label.MEDICAL_URGENT, Label.MEDICAL, Label.PSYCHOLOGICAL})
"""Labels never answered from the base nor queued to a non-medical agent."""

# Patterns run on the plain form of a question: lower case, no accents, no punctuation,
# elisions written out ("j'ai du mal" → "je ai du mal"), one space between words.
_PERSON = r"\b(je|me|moi|mon|ma|mes|nous|notre|nos|i|my|we|our)\b"
_RELATIVE = (r"\b(mon|ma|mes|notre|nos|my|our) (mari|femme|epoux|epouse|conjointe?|compagnon|"
             r"compagne|copain|copine|fils|fille|enfants?|bebe|pere|mere|parents?|frere|soeur|"
             r"grand mere|grand pere|papi|mamie|voisine?|colocataire|coloc|collegues?|"
             r"husband|wife|son|daughter|child|children|kids?|baby|mother|father|mom|mum|dad|"
             r"partner|roommate|colleague)\b")
_SYMPTOM = (r"\b(fievre|febrile|temperature|toux|tousse|tousser|courbatur\w*|frissons?|"
            r"mal (de|a la) gorge|maux de gorge|mal (de|a la) tete|maux de tete|migraines?|"
            r"perte (de|du) (le )?(odorat|gout)|odorat|anosmie|agueusie|diarrhee|nausees?|"
            r"vomi\w*|rhume|nez qui coule|eternu\w*|fatigue (intense|extreme|inhabituelle)|"
            r"epuise\w*|douleurs? musculaires?|"
            r"mal au ventre|symptomes?|malades?|infecte\w*|contamine\w*|positi(f|ve)|"
            r"porteu(r|se)|fever|feverish|cough\w*|sore throat|headache|symptoms?|sick|ill|"
            r"infected|runny nose|smell|taste|diarrh\w+|chills|body aches?|unwell)\b"
            r"|\b(a|ai|as|avons|ont|avait|has|have|had|got) (le |la |attrape le )?covid\b")

_RULES: tuple[tuple[str, Label, str, str], ...] = (
    # (rule id, label, pattern, reason)
    ("urgent.breathing", Label.MEDICAL_URGENT,
     r"\b(du |de )?mal (a |pour )?respir\w*|difficult\w* (a |pour |de )?respir\w*"
     r"|respir\w* (difficile\w*|mal|difficilement|avec difficulte|tres vite|vite)"
     r"|\b(peu[xt]|peuvent|arrive\w*|parvien\w*)\b.{0,12}\b(plus|pas|mal)\b.{0,12}respir\w*"
     r"|essouf+l\w*|souffle court|a bout de souffle|manque de souffle|manque (de |d )?air"
     r"|etouff\w*|suffoqu\w*|detresse respiratoire|insuffisance respiratoire"
     r"|respiration (difficile|rapide|sifflante|courte)|halet\w*|oxymetre|taux de oxygene"
     r"|short(ness)? of breath|difficult\w* breathing|trouble breathing|hard to breathe"
     r"|can not breathe|cannot breathe|struggling to breathe|breathless\w*",
     "difficulté à respirer : appeler le 15 immédiatement"),
    ("urgent.chest", Label.MEDICAL_URGENT,
     r"\bdouleurs? (a la |dans la |de )?poitrine|douleurs? thoraciques?|mal (a|dans) la "
     r"poitrine|oppress\w*|poitrine (serree|qui serre)|serrement|chest (pain|tightness|hurts)"
     r"|pain in (my )?chest|pressure in (my )?chest",
     "douleur ou oppression dans la poitrine : appeler le 15 immédiatement"),
    ("urgent.collapse", Label.MEDICAL_URGENT,
     r"\b(perte de connaissance|perd connaissance|inconscient\w*|evanoui\w*|levres bleues"
     r"|ne reagit plus|convuls\w*|confus(e|ion)|crache du sang|avc|passed out|unconscious"
     r"|blue lips|fainted|seizure)\b",
     "malaise grave : appeler le 15 immédiatement"),
    ("urgent.suicide", Label.MEDICAL_URGENT,
     r"\b(suicid\w*|me tuer|en finir|mettre fin a (mes jours|ma vie)|plus envie de vivre"
     r"|envie de mourir|kill myself|end my life|want to die|end it all)\b",
     "idées suicidaires : appeler le 15 immédiatement"),
    ("medical.symptoms", Label.MEDICAL, "", "symptômes ou maladie de la personne ou d'un "
     "proche : médecin traitant"),
    ("medical.exposure", Label.MEDICAL,
     r"\b(contact|cotoye|croise|vis avec|vit avec|habite avec|exposed|close contact)\b.{0,60}"
     r"\b(malade|infecte\w*|contamine\w*|positi(f|ve)|cas|covid|porteur|case|sick)\b"
     r"|\b(covid|positi(f|ve)|infecte\w*|malade)\b.{0,40}\b(collegue|travail|bureau|"
     r"famille|maison|immeuble|entourage|coworker|colleague)\b",
     "contact avec une personne malade : médecin traitant"),
    ("medical.testing", Label.MEDICAL,
     r"\b(me|se|nous|le|la|les|te|vous|get|be|getting|being) (faire )?(tester|teste|"
     r"depister|tested|screened)\b|\b(suis je|ai je|am i|do i have|est ce que je suis)\b.{0,30}"
     r"\b(positi\w*|malade|infecte\w*|contamine\w*|covid|sick|infected)\b|\b(test|tests|"
     r"depistage|prelevement|pcr|serologi\w*|testing)\b",
     "dépistage : médecin traitant"),
    ("medical.medicines", Label.MEDICAL,
     r"\b(ibuprofene|advil|nurofen|antarene|paracetamol|doliprane|efferalgan|dafalgan|"
     r"aspirine|anti inflammatoires?|antiinflammatoires?|ains|cortisone|corticoides?|"
     r"chloroquine|hydroxychloroquine|plaquenil|nivaquine|azithromycine|antibiotiques?|"
     r"antiviral|antiviraux|medicaments?|remedes?|soigner|guerir|homeopathi\w*|vitamine \w+|"
     r"ibuprofen|tylenol|acetaminophen|aspirin|medicines?|medication|drugs?|cure|treat)\b"
     r"|\btraitements?\b.{0,25}\b(covid|maladie|contre|antiviral|efficace)\b"
     r"|\bordonnances?\b.{0,40}\b(medecin|pharmac\w*|renouvel\w*)\b|\btreatment\b",
     "médicaments ou traitement : médecin ou pharmacien"),
    ("medical.care", Label.MEDICAL,
     r"\b(appeler|consulter|contacter|joindre|aller aux|aller a le|call|see)\b.{0,20}"
     r"\b(15|samu|urgences|medecin|docteur|hopital|doctor|hospital)\b",
     "recours aux soins : médecin traitant, ou le 15 en cas d'urgence"),
    ("medical.condition", Label.MEDICAL,
     r"\b(je suis|je ai|j ai|i am|i have|im)\b.{0,20}\b(enceinte|diabet\w*|asthm\w*|"
     r"immunodeprime\w*|greffe\w*|obese|cardiaque|dialys\w*|chimio\w*|cancer|hypertension|"
     r"tension|insuffisan\w*|maladie chronique|pregnant|diabetes|diabetic|asthma|"
     r"immunocompromised|heart condition)\b"
     r"|\b(je fais partie|je suis|i am|im)\b.{0,12}\b(personnes?|groupe|group)?.{0,6}"
     r"\b(a|at) (risque|risk)\b|\b(high risk|a risque)\b.{0,20}\b(moi|me)\b",
     "état de santé personnel : médecin traitant"),
    ("medical.worried", Label.MEDICAL,
     r"\b(peur|crains|pense|impression|afraid|think|worried)\b.{0,25}\b(avoir|etre|que je|"
     r"have|got|caught)\b.{0,20}\b(covid|virus|contamine\w*|infecte\w*|malade|attrape\w*|"
     r"it|infected|sick)\b",
     "crainte d'être malade : médecin traitant"),
    ("medical.if_ill", Label.MEDICAL,
     r"\b(si|quand|lorsque|if|when|once)\b (je|j|on|mon \w+|ma \w+|i|my \w+|we)\b.{0,8}"
     r"\b(suis|tombe|tombons|ai|a|avons|attrape\w*|get|gets|got|have|has|catch\w*|caught|am|"
     r"is|test\w*|become|fall)\b.{0,12}\b(malade|le covid|covid|virus|contamine\w*|"
     r"infecte\w*|positi\w*|it|sick|ill|infected|symptoms?)\b",
     "conduite à tenir en cas de maladie : médecin traitant"),
    ("medical.prognosis", Label.MEDICAL,
     r"\b(vais je|est ce que je vais|will i|could i|am i going to|kill me)\b.{0,25}"
     r"\b(mourir|survivre|guerir|die|survive|recover|me)\b|\bkill me\b",
     "pronostic personnel : médecin traitant"),
    ("medical.poison", Label.MEDICAL,
     # Swallowing, injecting or spraying household chemicals "against the virus" is a
     # poisoning risk, never a question for the information line.
     r"\b(boire|bu|buvant|avaler|avale\w*|ingerer|ingere\w*|injecter|injecte\w*|pulveris\w*|"
     r"vaporis\w*|gargaris\w*|drink\w*|drank|ingest\w*|inject\w*|swallow\w*|spray\w*|"
     r"gargl\w*)\b.{0,40}\b(javel|desinfectant\w*|chlore|produits? menagers?|"
     r"gel hydroalcoolique|disinfectant\w*|bleach|cleaners?|cleaning products?|chlorine|"
     r"sanitizer\w*|lysol)\b",
     "ingestion ou pulvérisation d'un produit ménager : centre antipoison ou médecin"),
    ("medical.unwell", Label.MEDICAL,
     r"\b(je me sens|il se sent|elle se sent|mon \w+ se sent|ma \w+ se sent)\b.{0,8}"
     r"\b(mal|pas bien|fievreu\w*|faible|patraque)\b|\bi feel (sick|unwell|ill|bad)\b",
     "la personne ou un proche se sent mal : médecin traitant"),
    ("psychological.distress", Label.PSYCHOLOGICAL,
     r"\b(angoiss\w*|anxi\w*|panique\w*|stress\w*|deprim\w*|depress\w*|idees noires|"
     r"moral (a zero|au plus bas|en berne)|je craque|je ne en peux plus|a bout|pleur\w*|"
     r"insomni\w*|je ne dors plus|me sens (seule?|isolee?|perdue?)|trop seule?|solitude|"
     r"detresse|burn ?out|soutien psychologique|psychologue|besoin de parler|"
     r"parler a quelqu un|lonely|anxious|anxiety|depressed|panic|stressed|can not cope|"
     r"overwhelmed|need to talk|mental health)\b",
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


def _regex(pattern: str) -> Matcher:
    compiled = re.compile(pattern)

    def match(text: str) -> str | None:
        found = compiled.search(text)
        return found.group(0).strip() if found else None

    return match


RULES: tuple[tuple[str, Label, Matcher, str], ...] = tuple(
    (rule_id, label, _regex(pattern) if pattern else _personal_symptom, reason)
    for rule_id, label, pattern, reason in _RULES)
"""The rules in the order they are tried: ``(id, label, matcher, reason)``."""


@dataclass(frozen=True, slots=True)
class Decision:
    label: Label
    reason: str
    rule: str | None
    """Rule id, or ``model`` when the model decided."""
    probabilities: Mapping[str, float] = field(default_factory=dict)

    @property
    def redirected(self) -> bool:
        return self.label in REDIRECTED


def plain(text: str) -> str:
    """The form the rules read: see the comment above the patterns."""
    return " ".join(strip_accents(w) for w in tokens(text))


def first_rule(text: str) -> tuple[str, Label, str, str] | None:
    """The first rule matching a plain text: ``(id, label, matched words, reason)``."""
    for rule_id, label, match, reason in RULES:
        matched = match(text)
        if matched:
            return rule_id, label, matched, reason
    return None


class Triage:
    """Rules first, then the model; thresholds come with the model's metadata."""

    def __init__(self, model: LinearModel | None, analyzer: Analyzer | None = None,
                 medical_threshold: float | None = None,
                 health_threshold: float | None = None) -> None:
        self.model = model
        self.analyzer = analyzer or Analyzer()
        meta = model.meta if model else {}
        self.medical_threshold = float(medical_threshold if medical_threshold is not None
                                       else meta.get("medical_threshold", 0.4))
        self.health_threshold = float(health_threshold if health_threshold is not None
                                      else meta.get("health_threshold", 0.5))

    def classify(self, question: str) -> Decision:
        text = plain(question)
        hit = first_rule(text)
        if hit is not None:
            rule_id, label, matched, reason = hit
            return Decision(label, f"{reason} (« {matched} »)", rule_id)
        if self.model is None or not text:
            return Decision(Label.NON_MEDICAL, "aucune règle médicale ne s'applique", None)
        feats = features(question, self.analyzer)
        probabilities = self.model.probabilities(feats)
        medical = probabilities.get("medical", 0.0)
        health = probabilities.get("health_info", 0.0)
        if medical >= self.medical_threshold:
            label = Label.MEDICAL
        elif health >= self.health_threshold or health + medical >= 0.5:
            label = Label.HEALTH_INFO
        else:
            label = Label.NON_MEDICAL
        model_class = {Label.MEDICAL: "medical", Label.HEALTH_INFO: "health_info"}.get(
            label, "non_medical")
        clues = self.model.explain(feats, model_class)
        shown = ", ".join(c.split(":", 1)[1] for c in clues) or "—"
        reason = (f"modèle : p(médical)={medical:.2f}, p(info santé)={health:.2f} ; "
                  f"indices : {shown}")
        return Decision(label, reason, "model",
                        {k: round(v, 4) for k, v in probabilities.items()})
