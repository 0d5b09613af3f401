"""Items per second of Lookout's parse_feed against feedparser.parse on the same bytes.

    python -m bench.bench_parse [--scale 1.0]

Builds synthetic documents that look like Russian news feeds: RSS 2.0 in windows-1251 with
entities in every title and HTML descriptions (the heavy case), plain UTF-8 RSS 2.0 (the common
case), Atom 1.0 and JSON Feed, then parses each repeatedly for ``--seconds`` per parser.
Prints figures only; nothing here asserts a time.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

from bench.figures import Figure, bench_main

_PARAGRAPH = (
    "Губернатор Белгородской области Вячеслав Гладков сообщил, что в результате обстрела "
    "повреждены жилые дома и линии электропередачи.&nbsp;Пострадавших нет &mdash; все службы "
    "работают в штатном режиме, сообщили в оперативном штабе региона."
)


def rss_document(items: int) -> bytes:
    parts = [
        '<?xml version="1.0" encoding="windows-1251"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        "<title>Новости</title><link>https://news.example.ru/</link>"
    ]
    for number in range(items):
        parts.append(
            f"<item><title>Обстрел&nbsp;Белгорода &laquo;{number}&raquo; &mdash; итоги</title>"
            f"<link>https://news.example.ru/news/{number}/?utm_source=rss</link>"
            f'<guid isPermaLink="false">news-{number}</guid>'
            f"<description><![CDATA[<p>{_PARAGRAPH}</p><p><a href='/x'>Подробнее</a></p>]]>"
            "</description>"
            f"<pubDate>Fri, 10 May 2024 {number % 24:02d}:00:00 +0300</pubDate></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode("cp1251")


def plain_rss_document(items: int) -> bytes:
    """The lighter common case: UTF-8, plain-text descriptions, no entities."""
    parts = ['<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>x</title>']
    for number in range(items):
        parts.append(
            f"<item><title>Обстрел Белгорода {number}: итоги дня</title>"
            f"<link>https://news.example.ru/news/{number}/</link>"
            f"<guid>https://news.example.ru/news/{number}/</guid>"
            "<description>Губернатор Белгородской области сообщил, что в результате обстрела "
            "повреждены жилые дома и линии электропередачи. Пострадавших нет.</description>"
            f"<pubDate>Fri, 10 May 2024 {number % 24:02d}:00:00 +0300</pubDate></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode("utf-8")


def atom_document(items: int) -> bytes:
    parts = ['<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">']
    parts.append("<title>Atom</title><id>tag:example.com,2024:feed</id>")
    for number in range(items):
        parts.append(
            f"<entry><title type='html'>Обстрел &amp;laquo;{number}&amp;raquo;</title>"
            f"<id>tag:example.com,2024:{number}</id>"
            f"<link rel='alternate' href='https://example.com/{number}'/>"
            f"<published>2024-05-10T{number % 24:02d}:00:00+03:00</published>"
            f"<content type='html'>&lt;p&gt;{_PARAGRAPH}&lt;/p&gt;</content></entry>"
        )
    parts.append("</feed>")
    return "".join(parts).encode("utf-8")


def json_document(items: int) -> bytes:
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "JSON",
        "items": [
            {
                "id": str(number),
                "url": f"https://example.com/{number}",
                "title": f"Обстрел {number}",
                "content_html": f"<p>{_PARAGRAPH}</p>",
                "date_published": f"2024-05-10T{number % 24:02d}:00:00+03:00",
            }
            for number in range(items)
        ],
    }
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def items_per_second(parse: Callable[[bytes], int], body: bytes, seconds: float) -> float:
    parsed = 0
    started = time.perf_counter()
    deadline = started + seconds
    while True:
        parsed += parse(body)
        now = time.perf_counter()
        if now >= deadline:
            return parsed / (now - started)


SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def figures(scale: float) -> list[Figure]:
    """Items/s on the sample feeds in seeds/ and on synthetic documents, beside feedparser."""
    import feedparser  # type: ignore[import-untyped]  # only the benchmark compares with it

    from bot.sources.parse import parse_feed

    seconds = max(0.3, 2.0 * scale)
    samples = [
        (path.read_bytes(), "telegram" if path.suffix == ".html" else "feed")
        for path in sorted(SEEDS.rglob("*"))
        if path.suffix in (".xml", ".html")
    ]

    def ours_samples(_: bytes) -> int:
        return sum(len(parse_feed(body, kind=kind)) for body, kind in samples)  # type: ignore[arg-type]

    def theirs_samples(_: bytes) -> int:
        return sum(len(feedparser.parse(body).entries) for body, _kind in samples)

    result = [
        Figure(
            "parse: sample feeds (seeds/)",
            items_per_second(ours_samples, b"", seconds),
            "items/s",
            target=50_000,
            baseline=items_per_second(theirs_samples, b"", seconds),
            baseline_name="feedparser",
        )
    ]
    documents = {
        "RSS 2.0 cp1251 + entities": rss_document(200),
        "RSS 2.0 plain": plain_rss_document(200),
        "Atom 1.0": atom_document(200),
    }
    for name, body in documents.items():
        result.append(
            Figure(
                f"parse: {name}",
                items_per_second(lambda b: len(parse_feed(b)), body, seconds / 2),
                "items/s",
                baseline=items_per_second(
                    lambda b: len(feedparser.parse(b).entries), body, seconds / 2
                ),
                baseline_name="feedparser",
            )
        )
    return result


if __name__ == "__main__":
    bench_main(figures, __doc__)
