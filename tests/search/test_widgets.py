"""The filter form's quick <select> writes the same HTML as Django's own, escaped alike."""

import pytest
from django import forms
from django.test.html import parse_html

from aspirasi.search.widgets import QuickSelect

CHOICES = [("", "Semua"), ("a", "Akademik & <b>umum</b>"), (3, 'Langkah 3 "kutip"')]


@pytest.mark.parametrize("value", [None, "a", 3, "<script>"])
def test_renders_like_djangos_select(value):
    attrs = {"id": "id_step", "aria-describedby": "id_step_helptext", "class": "x"}
    django_html = forms.Select(choices=CHOICES).render("step", value, attrs)
    quick_html = QuickSelect(choices=CHOICES).render("step", value, attrs)
    assert parse_html(quick_html) == parse_html(django_html)
    assert "<b>" not in quick_html and "&lt;b&gt;" in quick_html
