"""The JSON API (``/api/v1``): thin routes over ``core.Service``, errors as RFC 9457."""
