"""Forms of the members' public pages: they read the post; the services judge it."""

from django import forms


def _text(**kwargs) -> forms.CharField:
    # The services say when a text is missing or too long; the form only refuses what no
    # text may hold (a NUL character, which the database cannot store).
    return forms.CharField(required=False, **kwargs)


class PublicPageForm(forms.Form):
    commitments = _text()
    visibility = _text(max_length=20)


class PublicResponseForm(forms.Form):
    """A resident's rating or objection, with the public form's challenge and honeypot."""

    action = _text(max_length=20)
    token = _text(strip=False)
    answer = _text(max_length=20)
    website = _text(strip=False)
    phone = _text(max_length=40)
    rating = _text(max_length=20)
    text = _text()
