"""The committed Chinese catalogue is complete, has no fuzzy entries, and its .mo matches the .po."""

import gettext
import re
from pathlib import Path

LC = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES"


def _po_entries():
    text = (LC / "django.po").read_text(encoding="utf-8")
    for block in text.split("\n\n")[1:]:
        if block.startswith("#~"):
            continue
        yield block


def _joined(block: str, keyword: str) -> str:
    m = re.search(rf"^{re.escape(keyword)} ((?:\".*\"\n?)+)", block, re.M)
    return "".join(re.findall(r'"(.*)"', m.group(1))) if m else ""


def test_every_message_is_translated_and_none_is_fuzzy():
    blocks = list(_po_entries())
    assert len(blocks) > 100
    for block in blocks:
        assert "#, fuzzy" not in block and ", fuzzy" not in block, block
        translated = _joined(block, "msgstr[0]") if "msgid_plural" in block else _joined(block, "msgstr")
        assert translated, block


def test_compiled_catalogue_matches_the_source():
    with open(LC / "django.mo", "rb") as fh:
        catalogue = gettext.GNUTranslations(fh)._catalog
    for block in _po_entries():
        msgid, ctx = _joined(block, "msgid"), _joined(block, "msgctxt")
        key = f"{ctx}\x04{msgid}" if ctx else msgid
        if "msgid_plural" in block:
            key = (key, 0)
        assert key in catalogue, msgid
