"""Text from outside the dashboard (the API, the URL, a sign-in) shown as text, never markdown.

Streamlit renders markdown in titles, captions, messages, metric labels and progress text:
links, bold, colour directives (`:red[…]`), icons (`:material/…:`), maths (`$…$`) and bare URLs
that GitHub-flavoured markdown turns into links. Escaping every ASCII punctuation character
with a backslash, which CommonMark allows for all of them, stops all but the last: GFM finds
bare URLs and email addresses in the text after escapes are undone, so an invisible word
joiner goes where those patterns would match (after `://`, after `www`, after `@`).
Headings that show such text should also pass `anchor=False`, or their anchor repeats it.
"""

import re

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_WORD_JOINER = "\u2060"
_AUTOLINKS = re.compile(r"(\\:)(?=\\/\\/)|(?<=www)(?=\\\.)|(\\@)", re.IGNORECASE)


def plain(text: object) -> str:
    """The text, escaped so that markdown shows it exactly as it is, and links to nowhere."""
    escaped = _PUNCTUATION.sub(r"\\\1", str(text))
    return _AUTOLINKS.sub(lambda match: match.group(0) + _WORD_JOINER, escaped)
