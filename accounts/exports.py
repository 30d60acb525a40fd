"""CSV exports of the admin: what spreadsheet software opens safely."""

import csv

from django.http import HttpResponse


def spreadsheet_safe(text: str) -> str:
    """A cell a spreadsheet will not run as a formula (what families typed included)."""
    if text[:1] in {"=", "+", "-", "@", "\t", "\r"}:
        return "'" + text
    return text


def csv_response(filename: str) -> tuple[HttpResponse, csv.writer]:
    """An attachment for spreadsheet software: UTF-8 with a BOM, semicolons."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    return response, csv.writer(response, delimiter=";")
