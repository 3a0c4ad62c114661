"""How the parts app's audit events read on a timeline."""

from django.utils.translation import pgettext


def render_event(event) -> str:
    _app, _model, verb = (event.action.split(".") + ["", "", ""])[:3]
    sentences = {
        "created": pgettext("timeline event", "Created"),
        "updated": pgettext("timeline event", "Changed"),
        "deactivated": pgettext("timeline event", "Deactivated"),
        "activated": pgettext("timeline event", "Reactivated"),
    }
    return sentences.get(verb, event.action)
