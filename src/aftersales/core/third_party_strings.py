"""Strings that third-party code shows on our pages but its zh_Hans catalogue lacks (issue 8 item 1).

Django 6.1's blank choice of every select ("- Select an option -") is newer than its Chinese
translation; listing the msgid here puts it into core's catalogue (``makemessages`` extracts
``gettext_noop``), and core comes first in ``INSTALLED_APPS``, so our translation is the one used.
Nothing imports this module: it only feeds the catalogue and the translation check.
"""

from django.utils.translation import gettext_noop

STRINGS = (
    gettext_noop("- Select an option -"),  # django.db.models.fields.BLANK_CHOICE_LABEL
)
