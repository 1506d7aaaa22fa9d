"""The allocator tuning a long render relies on is applied where glibc is present (these machines)."""

from pipeline.memory import tune_allocator


def test_the_c_allocator_is_tuned_on_glibc():
    assert tune_allocator() is True
