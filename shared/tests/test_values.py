"""Texts every team stores: bounded, and text only."""

import pytest

from shared.values import ControlCharacters, TextTooLong, a_text, one_line


@pytest.mark.parametrize("value", ["Anna\x00Nowak", "Anna\x1b[31mNowak", "\x07"])
def test_a_text_with_control_characters_is_refused_by_name_without_quoting_it(value):
    with pytest.raises(ControlCharacters) as refused:
        a_text(value, "the name")
    assert str(refused.value) == "the name holds control characters"


def test_whitespace_is_made_single_spaces_and_a_text_stays_bounded():
    assert one_line("  Anna \t\n Nowak ", "the name") == "Anna Nowak"
    with pytest.raises(TextTooLong):
        one_line("x" * 201, "the name", 200)
