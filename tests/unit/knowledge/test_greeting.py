"""A message that only greets gets a greeting back, not a contact; anything more is a
question for the usual policy."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from renfort.knowledge.policy import is_greeting


def test_greetings_alone() -> None:
    for text in ("bonjour", "Bonjour !", "bonsoir madame", "Salut à tous", "allô ?",
                 "Bonjour, bonne journée"):
        assert is_greeting(text), text


def test_a_greeting_with_a_question_is_a_question() -> None:
    for text in ("Bonjour, je voudrais parler à un conseiller", "bonjour covid",
                 "Bonjour, puis-je sortir ?", "merci", "", "???"):
        assert not is_greeting(text), text


@given(st.sampled_from(["bonjour", "bonsoir", "salut"]),
       st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=6, max_size=20)
       .filter(lambda w: w not in {"bonjour", "bonsoir", "hello", "coucou", "journee",
                                   "soiree", "madame", "monsieur", "mademoiselle",
                                   "cordialement"}))
def test_an_unknown_word_makes_it_a_question(greeting: str, word: str) -> None:
    assert not is_greeting(f"{greeting} {word}")
