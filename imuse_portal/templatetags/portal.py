from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def welcome_text(text: str) -> SafeString:
    """An establishment's welcome text as HTML: blank lines part paragraphs, lines that start
    with "- " make a real list (read as a list by screen readers, not as "dash")."""
    blocks = []
    for chunk in text.replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        paragraph: list[str] = []
        items: list[str] = []
        for line in lines:
            if line.startswith("- "):
                if paragraph:
                    blocks.append(_paragraph(paragraph))
                    paragraph = []
                items.append(line[2:].strip())
            else:
                if items:
                    blocks.append(_list(items))
                    items = []
                paragraph.append(line)
        if paragraph:
            blocks.append(_paragraph(paragraph))
        if items:
            blocks.append(_list(items))
    return mark_safe("".join(blocks))  # noqa: S308 - every piece is escaped by format_html


def _paragraph(lines: list[str]) -> str:
    body = format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines))
    return format_html("<p>{}</p>", body)


def _list(items: list[str]) -> str:
    return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((i,) for i in items)))
