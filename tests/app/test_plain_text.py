"""Outside text is escaped for markdown (the browser tests check what Chromium then draws)."""

import pytest

from dashboard.app_pages.plain_text import plain

JOINER = "\u2060"


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("[x](https://evil.example)", rf"\[x\]\(https\:{JOINER}\/\/evil\.example\)"),
        ("**bold**", r"\*\*bold\*\*"),
        ("<img src=x onerror=alert(1)>", r"\<img src\=x onerror\=alert\(1\)\>"),
        ("$1 + $2", r"\$1 \+ \$2"),
        (":red[red]", r"\:red\[red\]"),
        ("www.evil.example", rf"www{JOINER}\.evil\.example"),
        ("jo@evil.example", rf"jo\@{JOINER}evil\.example"),
        ("Leeds City Council 2026", "Leeds City Council 2026"),
    ],
)
def test_markdown_and_links_in_outside_text_are_neutralised(text, escaped):
    assert plain(text) == escaped


def test_the_words_are_unchanged_once_markdown_has_undone_the_escapes():
    text = r"A \ back*slash_ (and) {all} #the !punctuation ~ | ` ^ ' \" ; , ? = & %"
    undone = plain(text).replace(JOINER, "")
    assert undone.replace("\\", "") == text.replace("\\", "")
