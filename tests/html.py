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


class _PostForms(HTMLParser):
    """The POST forms of a page, each as (action, what a browser sends when nothing in it is
    touched): the values shown, the ticked boxes, the options selected; nothing switched off."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, list[tuple[str, str]]]] = []
        self._fields = None
        self._select = None  # (name, chosen value, first value)
        self._textarea = None  # [name, text]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "get").lower() == "post":
            self._fields = []
            self.forms.append((attrs.get("action") or "", self._fields))
            return
        if self._fields is None or (tag != "option" and "disabled" in attrs):
            return  # outside a form, or switched off: not sent
        name = attrs.get("name")
        kind = (attrs.get("type") or "text").lower()
        if tag == "input" and name and kind not in {"submit", "button", "reset", "image", "file"}:
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self._fields.append((name, attrs.get("value") or "on"))
            else:
                self._fields.append((name, attrs.get("value") or ""))
        elif tag == "select" and name:
            self._select = [name, None, None]
        elif tag == "option" and self._select is not None:
            value = attrs.get("value") or ""
            if self._select[2] is None:
                self._select[2] = value
            if "selected" in attrs:
                self._select[1] = value
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._fields = None
        elif tag == "select" and self._select is not None:
            name, chosen, first = self._select
            self._fields.append((name, chosen if chosen is not None else first or ""))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._fields.append(tuple(self._textarea))
            self._textarea = None


def form_as_sent(response, *, action: str | None = None, **pressed: str) -> dict:
    """What a browser posts when the family sends the page's POST form (the one whose action
    is ``action``, else the one with the most fields) without touching anything, plus the
    button ``pressed`` (name=value): for the test client's ``post``."""
    parser = _PostForms()
    parser.feed(response.content.decode())
    forms = [fields for url, fields in parser.forms if action is None or url == action]
    fields = max(forms, key=len)
    sent: dict[str, list[str]] = {}
    for name, value in fields:
        sent.setdefault(name, []).append(value)
    sent.update({name: [value] for name, value in pressed.items()})
    return {name: values if len(values) > 1 else values[0] for name, values in sent.items()}
