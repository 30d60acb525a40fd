"""Bad input everywhere: every form of the portal, found by walking its pages as a family and
as a visitor, receives random and hostile values (very long strings, control characters,
Unicode edge cases, SQL and HTML payloads, wrong types, several values for one field, files
where text is expected) and posts without the CSRF token.

For every answer: never a server error; a form that refuses what it got changes nothing
stored, says why at the top of the page, and shows each typed value back, escaped.
"""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import markupsafe
import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from conftest import log_in_with_the_form
from reenrolment.tests.test_services import open_campaign
from tests.figures import report

pytestmark = pytest.mark.django_db

EXAMPLES = 20  # per form: a fixed, modest count (the suite has a time budget)
PROJECT_APPS = {"accounts", "family", "students", "billing", "reenrolment", "accessibility"}
TEXT_INPUTS = {"text", "email", "tel", "search", "number", "date", "time", "url", None}
# Links not followed while looking for forms: leaving, downloads, the admin.
NOT_FOLLOWED = ("/deconnexion/", "/admin/", "duplicata.pdf", "/fichier/", "/telecharger/")


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # the input's type, "select", "textarea"
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class Form:
    page: str
    action: str
    fields: tuple[Field, ...]
    multipart: bool

    @property
    def key(self):
        return (self.action, tuple(sorted(f.name for f in self.fields)))


class _Forms(HTMLParser):
    """The POST forms and the links of a page."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(urljoin(self.page, attrs["href"]))
        elif tag == "form" and (attrs.get("method") or "get").lower() == "post":
            action = urljoin(self.page, attrs.get("action") or self.page)
            multipart = attrs.get("enctype") == "multipart/form-data"
            self._form = {"action": action, "fields": {}, "multipart": multipart}
        elif self._form is None or not attrs.get("name"):
            return
        elif tag in {"input", "textarea", "button"}:
            kind = "textarea" if tag == "textarea" else (attrs.get("type") or "text").lower()
            if kind in {"submit", "button", "reset", "image"} or tag == "button":
                kind = "submit"
            name = attrs["name"]
            previous = self._form["fields"].get(name)
            options = (previous.options if previous else ()) + (attrs.get("value", "on"),)
            self._form["fields"][name] = Field(name, kind, options)
        elif tag == "select":
            self._select = attrs["name"]
            self._form["fields"][self._select] = Field(self._select, "select")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.forms.append(
                Form(
                    page=self.page,
                    action=self._form["action"],
                    fields=tuple(self._form["fields"].values()),
                    multipart=self._form["multipart"],
                )
            )
            self._form = None
        elif tag == "select":
            self._select = None


class _Options(HTMLParser):
    def __init__(self):
        super().__init__()
        self.options: dict[str, list[str]] = {}
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "select":
            self._select = attrs.get("name")
        elif tag == "option" and self._select:
            self.options.setdefault(self._select, []).append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def forms_of(client: Client, start: list[str], limit: int = 150) -> list[Form]:
    """Every distinct POST form on the pages reached from ``start`` by following links."""
    seen, queue, forms = set(), list(start), {}
    while queue and len(seen) < limit:
        url = queue.pop(0)
        path = urlsplit(url).path
        if url in seen or any(part in url for part in NOT_FOLLOWED) or not path.startswith("/"):
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        content = response.content.decode()
        parser = _Forms(url)
        parser.feed(content)
        options = _Options()
        options.feed(content)
        for form in parser.forms:
            fields = tuple(
                Field(f.name, f.kind, tuple(options.options.get(f.name, ())))
                if f.kind == "select"
                else f
                for f in form.fields
            )
            form = Form(form.page, form.action, fields, form.multipart)
            forms.setdefault(form.key, form)
        for link in parser.links:
            split = urlsplit(link)
            if split.netloc in {"", "testserver"} and link not in seen:
                queue.append(split.path + (f"?{split.query}" if split.query else ""))
    return list(forms.values())


# What a hostile or careless user types.
PAYLOADS = [
    "",
    " ",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' OR 1=1 --",
    "'; DROP TABLE family_family; --",
    "Robert'); DELETE FROM accounts_user;--",
    "\x00",
    "a\x00b",
    "\x1b[31m\x07\x08",
    "\u202eevil\u202c",
    "\ufeff\u200b\u200d",
    "Z\u0351\u0352\u0353\u0354\u0355",
    "𝕴𝖒𝖚𝖘𝖊 🎻🎹",
    "ﷺ" * 50,
    "-1",
    "0",
    "99999999999999999999999999",
    "1e308",
    "NaN",
    "31/02/2024",
    "2024-13-45",
    "../../etc/passwd",
    "{{ 7*7 }}{% debug %}",
    "%s%n%x",
    "A" * 5000,
    "é" * 100_000,
]
text = st.one_of(
    st.sampled_from(PAYLOADS),
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8", categories=["Cc", "Zs", "Mn", "So"])),
    st.integers().map(str),
)


def value_for(field: Field):
    choices = [st.sampled_from(field.options)] if field.options else []
    one = st.one_of(*choices, text) if choices else text
    return st.one_of(
        one,
        st.lists(one, min_size=2, max_size=4),  # the same name several times
        st.binary(max_size=2000).map(lambda data: SimpleUploadedFile("x.pdf", data)),
        st.none(),  # the field left out
    )


def stored_state() -> str:
    """A fingerprint of every row the project stores, and of the outbox."""
    digest = hashlib.sha256()
    for model in apps.get_models():
        # By the table the rows are in: a failed login is axes's row, even when read through
        # the accounts' proxy (a refused login attempt is counted, by design).
        if model._meta.concrete_model._meta.app_label in PROJECT_APPS | {"mailer"}:
            for row in model._default_manager.order_by("pk").values_list():
                digest.update(repr(row).encode())
    return digest.hexdigest()


def without_nones(data: dict) -> dict:
    return {name: value for name, value in data.items() if value is not None}


def echoed(value, content: str) -> bool:
    """A typed value is shown back escaped, never raw."""
    if not isinstance(value, str) or not value.strip() or "\x00" in value:
        return True  # blank fields and NUL (refused by every field) need not be shown
    # Escaped the Django engine's way (&#x27; &quot;) or, in widgets rendered by Jinja2,
    # MarkupSafe's (&#39; &#34;).
    return any(
        escape(text) in content
        for escape in (html.escape, lambda text: str(markupsafe.escape(text)))
        for text in (value, value.strip())
    )


@dataclass
class Tally:
    posts: int = 0
    refused: int = 0
    accepted: int = 0


def fuzz(client: Client, form: Form, tally: Tally, problems: list[str]) -> list[str]:
    """Posts ``EXAMPLES`` generated submissions; the pages accepted ones lead to."""
    csrf = client.cookies["csrftoken"]
    led_to: list[str] = []

    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.fixed_dictionaries({f.name: value_for(f) for f in form.fields if f.kind != "submit"}))
    def post(values):
        data = without_nones(values)
        submits = [f for f in form.fields if f.kind == "submit"]
        if submits:
            data[submits[0].name] = submits[0].options[0]
        before = stored_state()
        response = client.post(form.action, {**data, "csrfmiddlewaretoken": csrf.value})
        tally.posts += 1
        status = response.status_code
        if status >= 500:
            problems.append(f"{form.action}: {status} for {data!r:.300}")
            return
        if status in {302, 303}:
            tally.accepted += 1
            location = response["Location"]
            if not location.startswith("/") or location.startswith(("//", "/\\")):
                problems.append(f"{form.action}: sent away to {location!r}")
            elif location not in led_to:
                led_to.append(location)
            return
        tally.refused += 1
        if stored_state() != before:
            problems.append(f"{form.action}: answered {status}, yet something was stored")
        if status == 200 and "text/html" in response.get("Content-Type", ""):
            content = response.content.decode()
            if "<script>alert(1)" in content or "<img src=x onerror" in content:
                problems.append(f"{form.action}: a typed payload came back unescaped")
            if "error-summary" not in content:
                return  # a page that is not the form's (a confirmation): nothing to show back
            for field in form.fields:
                if field.kind in TEXT_INPUTS | {"textarea"} and not echoed(
                    data.get(field.name), content
                ):
                    problems.append(f"{form.action}: {field.name} not shown back escaped")

    post()
    return led_to[:5]


def post_without_csrf(form: Form, client: Client, problems: list[str]) -> None:
    before = stored_state()
    response = client.post(form.action, {f.name: "x" for f in form.fields})
    if response.status_code != 403 or stored_state() != before:
        problems.append(f"{form.action}: {response.status_code} without the CSRF token")


def fuzz_all(client: Client, start: list[str], tally: Tally, problems: list[str]) -> list[Form]:
    """The forms reached from ``start``, fuzzed; then those of the pages the accepted posts
    lead to (a re-enrolment started shows its steps), until no new form appears. Forms that
    end something (declining a re-enrolment) go last, so that what they end is fuzzed first."""
    done: dict[tuple, Form] = {}
    last: list[Form] = []
    pages = start
    for _round in range(4):
        found = [form for form in forms_of(client, pages) if form.key not in done]
        if not found:
            break
        pages = []
        for form in found:
            done[form.key] = form
            if "/refus/" in form.action:
                last.append(form)
            elif not form.action.endswith("/deconnexion/"):
                pages += fuzz(client, form, tally, problems)
    for form in last:
        fuzz(client, form, tally, problems)
    return [form for form in done.values() if not form.action.endswith("/deconnexion/")]


def test_every_form_survives_hostile_input(world, settings):
    settings.RATELIMIT_ENABLE = False  # every example reaches the form, not the rate limit
    open_campaign(world.establishment_1, all_steps=True)
    family = Client()
    log_in_with_the_form(family, world.family_a)
    family.handler.enforce_csrf_checks = True
    visitor = Client(enforce_csrf_checks=True)
    problems: list[str] = []
    tally = Tally()
    forms = fuzz_all(family, [reverse("home"), reverse("accessibility:plan")], tally, problems)
    forms += fuzz_all(visitor, [reverse("accounts:login")], tally, problems)
    no_token = Client()
    log_in_with_the_form(no_token, world.family_a)
    no_token.handler.enforce_csrf_checks = True
    for form in forms:
        post_without_csrf(form, no_token, problems)
    actions = sorted({form.action for form in forms})
    report(
        f"forms fuzzed: {len(forms)} forms on {len(actions)} URLs, {EXAMPLES} examples each, "
        f"{tally.posts} posts ({tally.refused} refused, {tally.accepted} accepted), "
        f"{len(forms)} posts without CSRF token, {len(problems)} unexpected outcomes"
    )
    assert any("/etape/" in action for action in actions), actions  # the wizard was reached
    assert len(forms) >= 20, actions
    assert problems == [], "\n".join(problems[:30])


def test_the_checks_are_not_blind():
    """A value shown raw, a value missing and a form found on a page are all noticed."""
    assert not echoed("<b>Irina</b>", "<input value='<b>Irina</b>'>")
    assert not echoed("Irina", "<input value=''>")
    assert echoed("<b>Irina</b>", '<input value="&lt;b&gt;Irina&lt;/b&gt;">')
    parser = _Forms("/famille/")
    parser.feed(
        '<form method="post"><input name="city" value="TOURS"><select name="civility">'
        '<option value="1">M.</option></select><textarea name="note"></textarea></form>'
    )
    (form,) = parser.forms
    assert form.action == "/famille/"
    assert [(f.name, f.kind) for f in form.fields] == [
        ("city", "text"),
        ("civility", "select"),
        ("note", "textarea"),
    ]
