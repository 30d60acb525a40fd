"""What an error report (the mail to ``ADMINS`` when a page fails) may say: the code path,
never what the user typed or the values the code held. Families' names, addresses, phone
numbers and passwords stay out of inboxes; the request id leads to the log lines instead."""

from __future__ import annotations

from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter


class PrivateExceptionReporter(ExceptionReporter):
    """Names the user by number ("user #42"), not by login, when ``DEBUG`` is off."""

    def get_traceback_data(self):
        data = super().get_traceback_data()
        user = getattr(self.request, "user", None)
        if user is not None and self.filter.is_active(self.request):
            data["user_str"] = f"user #{user.pk}" if user.pk else "anonymous"
        return data


class PrivateExceptionReporterFilter(SafeExceptionReporterFilter):
    """Every posted value and every local variable of the traceback is hidden (not only those
    marked sensitive); headers holding cookies or credentials are hidden by Django already.
    Active when ``DEBUG`` is off, like Django's own filter."""

    def get_post_parameters(self, request):
        if request is None or not self.is_active(request):
            return super().get_post_parameters(request)
        return dict.fromkeys(request.POST, self.cleansed_substitute)

    def get_traceback_frame_variables(self, request, tb_frame):
        if not self.is_active(request):
            return super().get_traceback_frame_variables(request, tb_frame)
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]
