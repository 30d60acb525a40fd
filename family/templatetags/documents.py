from django import template

from family.uploads import human_size

register = template.Library()


@register.filter
def file_size(size) -> str:
    """A file size in the unit of the upload limit: "32 Ko", "1,5 Mo"."""
    return human_size(int(size or 0))
