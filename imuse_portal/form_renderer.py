"""The form renderer: Django's widget templates rendered by Jinja2; everything else (forms,
error lists, the project's own widgets such as the password field with its show/hide button,
the admin's) by the Django engine, as before.

Jinja2 renders Django's widget templates (``django/forms/jinja2/``, shipped with Django for
this) to the same HTML (whitespace, and &#39; for &#x27;, aside) in less than half the time:
a page's widgets are most of its form's cost (the 16 fields of Identité, 3.7 ms down to 1.7;
docs/operations.md, Performance). A widget template under ``django/forms/widgets/`` is always
Django's own Jinja2 one: to change a widget's HTML, give the widget a ``template_name`` of the
project's (as the password field does), not an override of Django's path."""

from django.forms.renderers import BaseRenderer, Jinja2, TemplatesSetting

WIDGETS = "django/forms/widgets/"


class PortalFormRenderer(BaseRenderer):
    def __init__(self):
        self.jinja2 = Jinja2()
        self.templates = TemplatesSetting()

    def get_template(self, template_name):
        if template_name.startswith(WIDGETS):
            return self.jinja2.get_template(template_name)
        return self.templates.get_template(template_name)
