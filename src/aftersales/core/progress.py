"""A text progress bar for long commands (``aftersales seed`` / ``demo``).

A newcomer watching 77 s of seeding on one silent line thinks the command hung (issue 8 item 11).
On a terminal the bar redraws in place (``\\r``); into a file or a pipe it writes a line at every
tenth, so logs stay short. Works with Django's ``OutputWrapper`` and with any text stream.
"""

from __future__ import annotations


class ProgressBar:
    def __init__(self, stdout, total: int, label: str, *, unit: str = "", width: int = 24):
        self.stdout, self.total, self.label, self.unit, self.width = stdout, max(int(total), 0), label, unit, width
        self.done = 0
        self._tty = bool(getattr(stdout, "isatty", lambda: False)())
        self._last_tenth = 0

    def _write(self, text: str) -> None:
        if self.stdout is None:
            return
        if hasattr(self.stdout, "style_func"):  # Django's OutputWrapper adds a newline unless told not to
            self.stdout.write(text, ending="")
        else:
            self.stdout.write(text)
        if hasattr(self.stdout, "flush"):
            self.stdout.flush()

    def line(self, note: str = "") -> str:
        """The bar as text, e.g. ``客户档案 [############------------]  10/20 家经销商 · 480 位客户``."""
        filled = self.width if not self.total else round(self.width * self.done / self.total)
        count = f"{self.done:>{len(str(self.total))}}/{self.total}{(' ' + self.unit) if self.unit else ''}"
        return f"{self.label} [{'#' * filled}{'-' * (self.width - filled)}] {count}{(' · ' + note) if note else ''}"

    def advance(self, step: int = 1, note: str = "") -> None:
        self.done = min(self.done + step, self.total) if self.total else self.done + step
        if self._tty:
            self._write("\r" + self.line(note) + "\x1b[K")
            return
        tenth = 10 if not self.total else self.done * 10 // self.total
        if tenth != self._last_tenth:
            self._last_tenth = tenth
            self._write(self.line(note) + "\n")

    def finish(self, note: str = "") -> None:
        if self._tty:
            self._write("\r" + self.line(note) + "\x1b[K\n")
        elif self._last_tenth != 10 or note:
            self._write(self.line(note) + "\n")
