from django import template

from accounts.admin_queue import awaiting

register = template.Library()


@register.simple_tag(takes_context=True)
def admin_queues(context):
    return awaiting(context["request"])
