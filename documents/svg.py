"""The dependency diagrams as the plan document draws them: cleaned of anything active,
titled for screen readers, and laid out by their shape."""

from __future__ import annotations

import html
import re
from xml.etree import ElementTree

_LENGTH = re.compile(r"^\s*([0-9.]+)")


def svg_is_wide(svg: str | None) -> bool:
    """Whether a drawing is wider than tall, from its root ``width``/``height``/``viewBox``."""
    if not svg:
        return False
    try:
        root = ElementTree.fromstring(svg)  # noqa: S314  (cleaned by clean_svg already)
    except ElementTree.ParseError:
        return False
    width, height = root.attrib.get("width", ""), root.attrib.get("height", "")
    w, h = _LENGTH.match(width), _LENGTH.match(height)
    if w and h:
        return float(w.group(1)) >= float(h.group(1))
    box = root.attrib.get("viewBox", "").split()
    return len(box) == 4 and float(box[2]) >= float(box[3])


def svg_with_title(svg: str | None, function: str) -> str | None:
    """``svg`` with a ``<title>`` naming what it shows, every label in it in drawing order.

    WeasyPrint tags an inline SVG as a Figure and takes its alternative text from the
    title, so a screen reader reads the same names the drawing shows.
    """
    if not svg:
        return svg
    root = ElementTree.fromstring(svg)  # noqa: S314  (cleaned by clean_svg already)
    labels: list[str] = []
    for element in root.iter(f"{{{SVG_NS}}}text"):
        label = " ".join("".join(element.itertext()).split())
        if label and label not in labels:
            labels.append(label)
    text = f"Dependency diagram of {function}"
    text += f": {', '.join(labels)}." if labels else "."
    title = f"<title>{html.escape(text[:2000], quote=False)}</title>"
    opening = re.match(r"<svg\b[^>]*>", svg)
    assert opening is not None  # clean_svg returns a serialised <svg> root
    return svg[: opening.end()] + title + svg[opening.end() :]


SVG_NS = "http://www.w3.org/2000/svg"
_SVG_DROP = {"script", "foreignObject", "iframe", "object", "embed", "audio", "video"}


def clean_svg(svg: object, *, id_prefix: str = "") -> str | None:
    """Keep a diagram's drawing; drop scripts, event handlers and links to other documents.

    Diagrams come from our own inventory code, but they carry user-typed names;
    this is the second line of defence behind that code's escaping and the fetcher.
    ``id_prefix`` goes in front of every id and every reference to one, so several
    drawings in one document never share an id (each is drawn with "node1", "edge1"…).
    """
    if not isinstance(svg, str) or not svg.strip():
        return None
    start = svg.find("<svg")
    if start < 0:
        return None
    try:
        root = ElementTree.fromstring(svg[start:])  # noqa: S314  (our own SVG, no DTD)
    except ElementTree.ParseError:
        return None
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag.rsplit("}", 1)[-1] in _SVG_DROP:
                parent.remove(child)
        for name in list(parent.attrib):
            local = name.rsplit("}", 1)[-1].lower()
            value = parent.attrib[name].strip().lower()
            external_link = local == "href" and not value.startswith("#")
            external_url = "url(" in value and "url(#" not in value
            if local.startswith("on") or external_link or external_url:
                del parent.attrib[name]
            elif id_prefix and local == "id":
                parent.attrib[name] = id_prefix + parent.attrib[name]
            elif id_prefix and local == "href":
                parent.attrib[name] = "#" + id_prefix + parent.attrib[name].strip()[1:]
            elif id_prefix and "url(#" in value:
                parent.attrib[name] = parent.attrib[name].replace("url(#", f"url(#{id_prefix}")
    text = ElementTree.tostring(root, encoding="unicode")
    # ElementTree names the SVG namespace with a prefix (ns0:svg); the HTML parser only
    # recognises bare <svg>, so drop the prefix again.
    prefixed = re.search(r'xmlns:(\w+)="' + re.escape(SVG_NS) + '"', text)
    if prefixed:
        prefix = prefixed.group(1)
        text = text.replace(f"xmlns:{prefix}=", "xmlns=", 1)
        text = re.sub(rf"<(/?){prefix}:", r"<\1", text)
    return text
