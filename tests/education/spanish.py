"""Helpers for checking Spanish text: a syllable count, readability, and the notes as prose."""

import re

from tests.education.test_content import plain_text

# "Fairly easy" or easier, by two formulas:
# - Fernández Huerta (1959), as corrected by Law (2011) and computed by textstat (206.84 - 60 x
#   syllables per word - 1.02 x words per sentence): 70 to 80 is "algo fácil", fairly easy (grade 6),
#   on the scale legible.es publishes ("Lecturabilidad de Fernández Huerta").
# - Szigriszt-Pazos's perspicuity (1993) on the INFLESZ scale, validated on texts for patients
#   (Barrio-Cantalejo et al., Anales del Sistema Sanitario de Navarra, 2008, 31(2), 135-152): 65 to
#   80 is "bastante fácil", fairly easy.
FERNANDEZ_HUERTA_MIN = 70.0
SZIGRISZT_PAZOS_MIN = 65.0

VOWELS = set("aeiouáéíóúü")
# Two of these side by side are two syllables (a hiatus: "le-er", "dí-a"); any other pair of
# vowels is one (a diphthong: "cau-sa", "cui-da").
OPEN_OR_STRESSED = set("aeoáéóíú")


def syllables(word: str) -> int:
    """Spanish syllables in `word`, by its vowel groups.

    textstat counts Spanish syllables with Pyphen's hyphenation dictionary, which never splits off
    one letter at a word's edge ("alo-preg-na-no-lo-na", "ayu-da") and keeps hiatuses together
    ("ac-túan"), so it counts about 5 % too few and flatters the scores by 3 to 5 points. The notes
    must read fairly easily by this count too.
    """
    word = word.lower()
    if len(word) > 1 and word.endswith("y") and word[-2] in VOWELS:
        word = word[:-1]  # "muy", "hay": the y closes a diphthong
    count, previous = 0, None
    for letter in word:
        if letter in VOWELS:
            if previous is None or (previous in OPEN_OR_STRESSED and letter in OPEN_OR_STRESSED):
                count += 1
            previous = letter
        else:
            previous = None
    return max(1, count)


def readability(text: str, textstat_es) -> dict[str, float]:
    """Both formulas, with textstat's syllable count and with syllables() (the same words and sentences)."""
    from textstat.backend.selections._list_words import list_words

    words, sentences = textstat_es.lexicon_count(text), textstat_es.sentence_count(text)
    counted = sum(syllables(word) for word in list_words(text, lowercase=True))
    return {
        "fernandez_huerta": textstat_es.fernandez_huerta(text),
        "szigriszt_pazos": textstat_es.szigriszt_pazos(text),
        "fernandez_huerta_by_vowels": 206.84 - 60 * counted / words - 1.02 * words / sentences,
        "szigriszt_pazos_by_vowels": 206.835 - 62.3 * counted / words - words / sentences,
    }


def unlinked(text: str) -> str:
    """Markdown links as the words they show."""
    return re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)


def spanish_prose(body: str) -> str:
    """A note body as the readability formulas should see it: no headings, no link syntax, and
    "EE. UU." as one word (its full stops are not the ends of sentences)."""
    return plain_text(unlinked(body), headings=False).replace("EE. UU.", "EEUU")
