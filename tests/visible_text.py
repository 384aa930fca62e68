"""The text a person near the screen can read on a rendered page, for the wording scans.

Kept: the title (the browser tab shows it) and every text node shown, including the
screen-reader-only ones (they are read aloud). Left out: scripts and styles, elements marked
`hidden` or `d-none`, and the contents of a closed <details> apart from its <summary> (the
disclosure a hotline's full name sits behind).
"""

from __future__ import annotations

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
NEVER_SHOWN = {"script", "style", "template"}


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        # One entry per open element: (tag, hides its content, is a closed <details>)
        self.stack: list[tuple[str, bool, bool]] = []

    def hidden(self) -> bool:
        for index, (_tag, hides, closed_details) in enumerate(self.stack):
            if hides:
                return True
            # Inside a closed <details>, only its own <summary> shows.
            if closed_details and not (
                index + 1 < len(self.stack) and self.stack[index + 1][0] == "summary"
            ):
                return True
        return False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        named = dict(attrs)
        classes = (named.get("class") or "").split()
        hides = tag in NEVER_SHOWN or "hidden" in named or "d-none" in classes
        closed_details = tag == "details" and "open" not in named
        self.stack.append((tag, hides, closed_details))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        if data.strip() and not self.hidden():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return " ".join(parts for parts in parser.parts)
