"""Content-Security-Policy of the responses that are files, not pages (the pages' own policy is
``CONTENT_SECURITY_POLICY`` in the settings)."""

# A PDF shown by the browser's viewer (an object of the page it opens in): nothing else loads.
PDF_POLICY = "default-src 'none'; object-src 'self'; frame-ancestors 'none'"
# Any other file: nothing in it may run, in a sandbox.
FILE_POLICY = "default-src 'none'; sandbox; frame-ancestors 'none'"
