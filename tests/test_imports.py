"""Modules imported without their package's __init__: the same behaviour, and the package still importable."""

from __future__ import annotations

import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.stages.normalize import numbers


def _python(code: str) -> list[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip().splitlines()


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**15 - 1), st.sampled_from(["cardinal", "ordinal"]))
def test_the_english_converter_reads_every_number_as_num2words_does(value, to):
    from num2words import num2words  # the whole package: a copy of its own, loaded after ours

    assert numbers.num2words(value, to=to) == num2words(value, to=to, lang="en")


def test_numbers_load_without_every_language_and_leave_num2words_importable():
    loaded, spoken, later = _python(
        "import sys; from pipeline.stages.normalize import numbers; "
        "print(sorted(m for m in sys.modules if m.startswith('num2words'))); "
        "print(numbers.year(1999), '/', numbers.ordinal(21)); "
        "import num2words; print(num2words.num2words(42, lang='fr'))")
    assert loaded == "[]"  # nothing of num2words stays registered: a later import gets the whole package
    assert spoken == "nineteen ninety-nine / twenty-first"
    assert later == "quarante-deux"


def test_a_package_already_loaded_is_used_as_it_is():
    assert _python("import num2words.lang_EN as e; from pipeline.imports import without_package_init; "
                   "print(without_package_init('num2words.lang_EN') is e)") == ["True"]
