"""What an error report (the mail to ``ADMINS`` when a page fails) may say: the code path,
never what the user typed or the values the code held. Families' names, addresses, phone
numbers and passwords stay out of inboxes; the request id leads to the log lines instead."""

from __future__ import annotations

from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter


class PrivateExceptionReporter(ExceptionReporter):
    """When ``DEBUG`` is off: the user by number ("user #42"), not by login; the address
    without its query string; neither the query's values, nor the files' names, nor the
    browser's headers (only the method, the path and the request id); the exceptions by their
    type (a database error quotes the row it refused)."""

    META_SHOWN = ("REQUEST_METHOD", "PATH_INFO", "SERVER_NAME", "SERVER_PORT")

    def get_traceback_data(self):
        data = super().get_traceback_data()
        if self.request is None or not self.filter.is_active(self.request):
            return data
        user = getattr(self.request, "user", None)
        if user is not None:
            data["user_str"] = f"user #{user.pk}" if user.pk else "anonymous"
        hidden = self.filter.cleansed_substitute
        data["request_GET_items"] = [(name, hidden) for name in self.request.GET]
        data["request_FILES_items"] = [(name, hidden) for name in self.request.FILES]
        data["request_COOKIES_items"] = [(name, hidden) for name in self.request.COOKIES]
        data["request_insecure_uri"] = self.request.path
        meta = {name: self.request.META.get(name, "") for name in self.META_SHOWN}
        meta["request id"] = getattr(self.request, "id", "")
        data["request_meta"] = meta
        if "exception_value" in data:
            data["exception_value"] = type(self.exc_value).__name__
        for frame in data.get("frames", []):
            if frame.get("exc_cause") is not None:
                frame["exc_cause"] = type(frame["exc_cause"]).__name__
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
