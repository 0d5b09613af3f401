"""Items per second of Lookout's parse_feed against feedparser.parse on the same bytes.

    python -m bench.bench_parse [--seconds 3] [--items 200]
    python bench/bench_parse.py

Builds synthetic documents that look like Russian news feeds: RSS 2.0 in windows-1251 with
entities in every title and HTML descriptions (the heavy case), plain UTF-8 RSS 2.0 (the common
case), Atom 1.0 and JSON Feed, then parses each repeatedly for ``--seconds`` per parser.
Prints figures only; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

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


def main(argv: list[str] | None = None) -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--seconds", type=float, default=3.0, help="per parser and document")
    options.add_argument("--items", type=int, default=200, help="items per document")
    args = options.parse_args(argv)

    root = str(Path(__file__).resolve().parent.parent)
    if root not in sys.path:
        sys.path.insert(0, root)  # run as a file: make the bot package importable
    import feedparser  # type: ignore[import-untyped]  # only the benchmark compares with it

    from bot.sources.parse import parse_feed

    def ours(body: bytes) -> int:
        return len(parse_feed(body))

    def theirs(body: bytes) -> int:
        return len(feedparser.parse(body).entries)

    documents = {
        "RSS 2.0 cp1251": rss_document(args.items),
        "RSS 2.0 plain": plain_rss_document(args.items),
        "Atom 1.0": atom_document(args.items),
        "JSON Feed": json_document(args.items),
    }
    print(f"{'document':<16} {'lookout items/s':>16} {'feedparser items/s':>19} {'ratio':>7}")
    for name, body in documents.items():
        assert ours(body) == args.items, name
        lookout = items_per_second(ours, body, args.seconds)
        peer = items_per_second(theirs, body, args.seconds)
        ratio = f"{lookout / peer:>6.1f}x" if peer else "    n/a"  # feedparser: 0 items
        print(f"{name:<16} {lookout:>16,.0f} {peer:>19,.0f} {ratio}")


if __name__ == "__main__":
    main()
