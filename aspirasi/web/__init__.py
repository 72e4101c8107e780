"""What every web app shares, and nothing else: the officials' access decorator, the form-errors
helper, the rate limit, opening a case as its customer, a few form fields. Web apps import from
here; this package imports no web app (it sits just above the case record)."""
