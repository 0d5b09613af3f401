"""html_to_text: what a reader would see of a feed's HTML, as plain text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.sources.html_text import collapse_line, html_to_text


@pytest.mark.parametrize(
    ("fragment", "text"),
    [
        ("plain words", "plain words"),
        ("  lots \t of\n\n  space  ", "lots of\nspace"),
        ("<p>one</p><p>two</p>", "one\ntwo"),
        ("one<br>two<br/>three<BR />four", "one\ntwo\nthree\nfour"),
        ("<ul><li>a</li><li>b</li></ul>", "a\nb"),
        ("<h2>Head</h2>body", "Head\nbody"),
        ("<table><tr><td>a</td><td>b</td></tr></table>", "a\nb"),
        ("in<b>line</b> <i>tags</i>", "inline tags"),
        ("<script>alert('x')</script>text", "text"),
        ("<SCRIPT type='a'>var a = '<p>';</SCRIPT>text", "text"),
        ("<style>p { color: red }</style>text", "text"),
        ("before<!-- a <p> comment -->after", "before after"),
        ("a &amp; b &lt;c&gt; &quot;d&quot; &#39;e&#39;", "a & b <c> \"d\" 'e'"),
        ("&nbsp;&mdash;&laquo;ё&raquo;&hellip;", "—«ё»…"),
        ("a < b and c > d", "a < b and c > d"),
        ("x <3 y", "x <3 y"),
        ("<a href='https://x'>link</a> text", "link text"),
        ("<img src='x.jpg' alt='photo'>caption", "caption"),
        ("soft\u00adhyphen zero\u200bwidth", "softhyphen zerowidth"),
        ("<p>unclosed <b>bold", "unclosed bold"),
        ("<script>never closed", ""),
        ("<xhtml:p>ns</xhtml:p><xhtml:p>tags</xhtml:p>", "ns\ntags"),
        ("", ""),
    ],
)
def test_html_to_text(fragment: str, text: str) -> None:
    assert html_to_text(fragment) == text


def test_collapse_line_makes_one_line() -> None:
    assert collapse_line(" a\n b\t\u00a0c ") == "a b c"


@given(st.text())
def test_output_has_no_tags_of_its_own_making_and_no_runs_of_space(fragment: str) -> None:
    text = html_to_text(fragment)
    assert "  " not in text
    assert "\n\n" not in text
    assert text == text.strip()
