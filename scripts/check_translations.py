"""Fail when any app's zh_Hans catalogue misses a translation or is stale, or a page would show English.

For each app under src/aftersales, re-extract messages into a temporary copy and check that every
msgid has a non-empty, non-fuzzy msgstr; also check the compiled .mo exists. Then, with Django set
up, ``aftersales.core.translation_check`` walks what the pages are built from (models' verbose
names and choice labels, every FilterSet and form: labels, placeholders, empty labels, choices) and
fails on a label that reads the same in zh-hans as in English, on a "---------" or 未知 empty
choice, and on a msgid two apps translate differently (issue 8 item 1).
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "src" / "aftersales"
DJANGO_ADMIN = Path(sys.executable).parent / "django-admin"


def untranslated(po: Path) -> list[str]:
    out = subprocess.run(["msgattrib", "--untranslated", "--no-obsolete", str(po)], capture_output=True, text=True,
                         check=True).stdout
    fuzzy = subprocess.run(["msgattrib", "--only-fuzzy", "--no-obsolete", str(po)], capture_output=True, text=True,
                           check=True).stdout
    ids = [line for line in (out + fuzzy).splitlines() if line.startswith("msgid ") and line != 'msgid ""']
    return ids


def label_problems() -> list[str]:
    """Labels that gettext extraction cannot see (see aftersales.core.translation_check)."""
    sys.path.insert(0, str(ROOT.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")
    import django

    django.setup()
    from aftersales.core.translation_check import problems

    return [f"label {p}" for p in problems()]


def main() -> int:
    problems = []
    for app in sorted(p for p in ROOT.iterdir() if (p / "apps.py").exists()):
        po = app / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
        if not po.exists():
            problems.append(f"{app.name}: no zh_Hans catalogue")
            continue
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / app.name
            shutil.copytree(app, copy, ignore=shutil.ignore_patterns("tests", "__pycache__"))
            env = dict(os.environ, DJANGO_SETTINGS_MODULE="")
            subprocess.run([str(DJANGO_ADMIN), "makemessages", "-l", "zh_Hans", "--no-obsolete", "--no-location"],
                           cwd=copy, check=True, capture_output=True, env=env)
            missing = untranslated(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
        if missing:
            problems.append(f"{app.name}: {len(missing)} untranslated, e.g. {missing[:5]}")
        mo = po.with_suffix(".mo")
        if not mo.exists():
            problems.append(f"{app.name}: django.mo missing (run compilemessages)")
    problems.extend(label_problems())
    for p in problems:
        print("TRANSLATION", p)
    print(f"translations: {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
