"""What a browser would send from an admin page's form: tests read the page, change a few fields
and post it back, so they exercise the form the administrator really gets."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any


class _FormFields(HTMLParser):
    def __init__(self, form_id_suffix: str) -> None:
        super().__init__(convert_charrefs=True)
        self.suffix = form_id_suffix
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self.found = False
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {key: value or "" for key, value in attrs}
        if tag == "form" and attr.get("id", "").endswith(self.suffix):
            self.inside = self.found = True
            return
        if not self.inside:
            return
        name = attr.get("name")
        if tag == "input" and name and "disabled" not in attr:
            kind = attr.get("type", "text")
            if kind in ("submit", "button", "file", "image"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attr:
                return
            self.fields.append((name, attr.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name and "disabled" not in attr:
            self._select = name
        elif tag == "option" and self._select and "selected" in attr:
            self.fields.append((self._select, attr.get("value", "")))
        elif tag == "textarea" and name and "disabled" not in attr:
            self._textarea, self._text = name, []

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.fields.append((self._textarea, "".join(self._text).lstrip("\n")))
            self._textarea = None


def form_data(response: Any, form_id_suffix: str = "_form") -> dict[str, Any]:
    """The fields of the page's form whose id ends with ``form_id_suffix`` (the admin's change
    form), as the test client's ``post`` takes them: a list where a name repeats."""
    parser = _FormFields(form_id_suffix)
    parser.feed(response.content.decode())
    assert parser.found, "the page has no such form"
    data: dict[str, Any] = {}
    for name, value in parser.fields:
        if name in data:
            previous = data[name]
            data[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            data[name] = value
    return data
