"""The simulator: sourced behaviour models (``models``), one parameter registry (``registry``),
the results-table schema (``results``) and the explainable reference runner (``reference``) that
drives the same ``mechanism`` a live deliberation uses. See ``docs/model.md`` (ODD protocol).
"""
