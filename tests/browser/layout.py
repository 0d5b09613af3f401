"""Checks that the chat is laid out on screen, from the bounding boxes the browser reports."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Page

# Sub-pixel rounding: boxes that touch may report a fraction of a pixel of overlap.
SLACK = 0.5

_MEASURE = """() => {
  const box = (el) => {
    const r = el.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, name: el.className,
            text: el.textContent.slice(0, 40)};
  };
  const list = document.getElementById("messages").getBoundingClientRect();
  return {
    width: window.innerWidth,
    height: window.innerHeight,
    scrollWidth: document.documentElement.scrollWidth,
    bubbles: [...document.querySelectorAll(".msg .bubble, .msg .keyboard")].map(box),
    buttons: [...document.querySelectorAll(".kb-btn")].map(box),
    chrome: [...document.querySelectorAll(".topbar, .composer")].map(box),
    list: {top: list.top, bottom: list.bottom},
  };
}"""


def _overlap(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return (
        min(a["right"], b["right"]) - max(a["left"], b["left"]) > SLACK
        and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > SLACK
    )


def assert_laid_out(page: Page) -> None:
    """No bubble or button overlaps another or leaves the screen sideways; the header and the
    composer are on screen; the newest bubble has been scrolled into view."""
    seen = page.evaluate(_MEASURE)
    width = seen["width"]
    assert seen["scrollWidth"] <= width, f"the page scrolls sideways: {seen['scrollWidth']}px"
    for group in ("bubbles", "buttons"):
        boxes = seen[group]
        for box in boxes:
            assert box["left"] >= -SLACK and box["right"] <= width + SLACK, f"off-screen: {box}"
            assert box["right"] - box["left"] > 20, f"squashed: {box}"
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                assert not _overlap(a, b), f"overlap:\n{a}\n{b}"
    for box in seen["chrome"]:
        assert box["top"] >= -SLACK and box["bottom"] <= seen["height"] + SLACK, box
    assert seen["bubbles"], "no bubbles on screen"
    newest = seen["bubbles"][-1]
    assert newest["bottom"] <= seen["list"]["bottom"] + SLACK, f"newest not in view: {newest}"
    assert newest["bottom"] > seen["list"]["top"], f"newest not in view: {newest}"
