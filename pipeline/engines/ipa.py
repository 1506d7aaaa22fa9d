"""An editor's IPA as the phonemes a voice trained on espeak-ng's symbols takes (Piper's `[[ ]]` input).

Piper passes phoneme input through one code point at a time, so the IPA is decomposed (NFD) the way piper
decomposes espeak-ng's own output; symbols espeak-ng's English never writes are replaced by the ones it does
(the table below); marks with no sound of their own are dropped; and each stress mark moves to just before its
syllable's vowel, where espeak-ng puts it (IPA puts it before the syllable: "kʊmˈdɛrwɛn" -> "kʊmdˈɛɹwɛn").
"""

from __future__ import annotations

import unicodedata

#: Vowel symbols: a stress mark stands right before one of these in espeak-ng's phonemes.
IPA_VOWELS = frozenset("aeiouyɑɐɒæɔəɘɚɛɜɝɞɨɪɯɵøœɶʉʊʌʏɤᵻ")
STRESS_MARKS = frozenset("ˈˌ")
#: IPA an editor may write, and what espeak-ng's English phonemes (the voice's training data) write for it.
#: Longest first when applied.
TO_ESPEAK = {
    "t͡ʃ": "tʃ",
    "d͡ʒ": "dʒ",
    "t͡s": "ts",
    "əʊ": "oʊ",  # British GOAT: the en-us voice has only its own
    "ʧ": "tʃ",
    "ʤ": "dʒ",
    "ʦ": "ts",
    "ʣ": "dz",
    "g": "ɡ",  # ASCII g, which IPA keyboards and copy-paste often give
    "r": "ɹ",  # an English r; espeak-ng's en-us never writes the trill
    "ɝ": "ɜː",
    "ɫ": "l",
    "ᵊ": "ə",
}
#: Marks with no sound for the voice: syllable breaks, tie bars, linking, intonation arrows, secondary
#: articulations espeak-ng's English never writes (the voice never heard them).
DROPPED = frozenset(".|‖‿͜͡↗↘ʰʷʲˠˤˑ")


def espeak_style(ipa: str) -> str:
    """The IPA as espeak-ng-style phonemes: decomposed, symbols mapped, marks dropped, stress before vowels;
    words separated by single spaces."""
    text = unicodedata.normalize("NFD", ipa)
    mapped = []
    position = 0
    keys = sorted(TO_ESPEAK, key=len, reverse=True)
    while position < len(text):
        for key in keys:
            decomposed = unicodedata.normalize("NFD", key)
            if text.startswith(decomposed, position):
                mapped.append(TO_ESPEAK[key])
                position += len(decomposed)
                break
        else:
            symbol = text[position]
            position += 1
            if symbol not in DROPPED:
                mapped.append(symbol)
    return " ".join(_stress_before_vowel(word) for word in "".join(mapped).split())


def _stress_before_vowel(word: str) -> str:
    """Each stress mark moved right, past consonants, to the next vowel (left alone if no vowel follows)."""
    symbols = list(word)
    result: list[str] = []
    pending: list[str] = []
    for symbol in symbols:
        if symbol in STRESS_MARKS:
            pending.append(symbol)
        elif symbol in IPA_VOWELS and pending:
            result.append(pending[-1])  # two marks before one vowel: the nearer one counts
            pending.clear()
            result.append(symbol)
        else:
            result.append(symbol)
    return "".join(result + pending[-1:])


def phoneme_input(ipa: str) -> str:
    """Piper's phoneme input for the IPA: one `[[ ]]` block per word, so a piece is never cut inside one."""
    return " ".join(f"[[{word}]]" for word in espeak_style(ipa).split())


def unknown_symbols(phonemes: str, known: frozenset[str] | set[str]) -> str:
    """The symbols of espeak-style phonemes a voice has no id for, once each, in order."""
    return "".join(dict.fromkeys(symbol for symbol in phonemes if not symbol.isspace() and symbol not in known))
