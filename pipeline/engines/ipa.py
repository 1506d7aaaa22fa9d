"""An editor's IPA as the phonemes a voice trained on espeak-ng's symbols takes (Piper's `[[ ]]` input).

Piper passes phoneme input through one code point at a time, so the IPA is decomposed (NFD) the way piper
decomposes espeak-ng's own output; symbols espeak-ng's English never writes are replaced by the ones it does
(the table below); marks with no sound of their own, and the slashes or brackets editors write around IPA, are
dropped; each stress mark moves to just before its syllable's vowel, where espeak-ng puts it (IPA puts it before
the syllable: "kʊmˈdɛrwɛn" -> "kʊmdˈɛɹwɛn"); and what a voice trained on espeak-ng's symbols has no sound for is
left out (`lexicon check` names it), since one unknown symbol would cost the whole piece its word timings.
"""

from __future__ import annotations

import unicodedata

#: Vowel symbols: a stress mark stands right before one of these in espeak-ng's phonemes.
IPA_VOWELS = frozenset("aeiouyɑɐɒæɔəɘɚɛɜɝɞɨɪɯɵøœɶʉʊʌʏɤᵻ")
STRESS_MARKS = frozenset("ˈˌ")
#: IPA an editor may write, and what espeak-ng's English phonemes (the voice's training data) write for it.
#: Longest first when applied.
TO_ESPEAK = {
    "ɝː": "ɜː",
    "ɜ˞": "ɜː",
    "ə˞": "ɚ",
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
#: articulations espeak-ng's English never writes (the voice never heard them), and the delimiters editors
#: put around a transcription (/.../, [...], optional sounds in parentheses).
DROPPED = frozenset(".|‖‿͜͡↗↘ʰʷʲˠˤˑ˞ⁿˡ/[]()")
#: The phoneme symbols of a Piper voice trained on espeak-ng (every such voice shares piper's default map),
#: punctuation and digits left out: anything else in a lexicon's IPA is dropped.
ESPEAK_SYMBOLS = frozenset(
    "abcdefhijklmnopqrstuvwxyzæçðøħŋœǀǁǂǃɐɑɒɓɔɕɖɗɘəɚɛɜɞɟɠɡɢɣɤɥɦɧɨɪɫɬɭɮɯɰɱɲɳɴɵɶɸɹɺɻɽɾʀʁʂʃʄʈʉʊʋʌʍʎʏʐʑʒʔʕʘʙʛʜʝʟʡʢʰʲˈˌːˑ˞ˤ"
    "\u0327\u0329\u032a\u032f\u0303βεθχᵻ↓ⱱ"
)


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
    """Each stress mark moved right, past consonants, to the next vowel (to the end of a word with no vowel
    after it)."""
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
    """Piper's phoneme input for the IPA: one `[[ ]]` block per word, so a piece is never cut inside one, with
    only symbols the voice knows; empty when nothing speakable is left (the lexicon then uses the respelling)."""
    kept = "".join(symbol for symbol in espeak_style(ipa) if symbol in ESPEAK_SYMBOLS or symbol == " ")
    return " ".join(f"[[{word}]]" for word in kept.split() if any(symbol not in STRESS_MARKS for symbol in word))


def unknown_symbols(phonemes: str, known: frozenset[str] | set[str]) -> str:
    """The symbols of espeak-style phonemes a voice has no id for, once each, in order."""
    return "".join(dict.fromkeys(symbol for symbol in phonemes if not symbol.isspace() and symbol not in known))
