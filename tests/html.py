"""Reading rendered pages the way a user sees them: title, headings, visible text."""

from __future__ import annotations

import re
from html.parser import HTMLParser


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.h1: list[str] = []
        self.text: list[str] = []
        self._stack: list[str] = []
        self.html_lang = None

    def handle_starttag(self, tag, attrs):
        if tag == "html":
            self.html_lang = dict(attrs).get("lang")
        if tag == "h1":
            self.h1.append("")
        self._stack.append(tag)

    def handle_endtag(self, tag):
        while self._stack:
            if self._stack.pop() == tag:
                break

    def handle_data(self, data):
        if "title" in self._stack:
            self.title += data
        elif "script" not in self._stack and "style" not in self._stack:
            self.text.append(data)
            if "h1" in self._stack and self.h1:
                self.h1[-1] += data


def _squash(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip()


class Page:
    def __init__(self, content: bytes | str):
        parser = _Page()
        parser.feed(content.decode() if isinstance(content, bytes) else content)
        self.title = _squash(parser.title)
        self.h1 = [_squash(h) for h in parser.h1]
        self.text = _squash(" ".join(parser.text))
        self.lang = parser.html_lang


def page(response) -> Page:
    return Page(response.content)


def consumed(response):
    """A response read to its end: a download's file is then closed the way the test client
    does it (``response.close()`` called directly would also close the database connection)."""
    if response.streaming:
        b"".join(response.streaming_content)
    return response
