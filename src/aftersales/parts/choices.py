from django.db import models
from django.utils.translation import pgettext_lazy


class PartCategory(models.TextChoices):
    """What a part is.  The first seven are the key parts quality monitors (R-QLT-2); which of them
    are monitored is configured in ``MonitoredPartCategory``, not here."""

    MOTOR = "motor", pgettext_lazy("part category", "Drive motor")
    CONTROLLER = "controller", pgettext_lazy("part category", "Motor controller")
    REAR_AXLE = "rear_axle", pgettext_lazy("part category", "Rear axle")
    DIFFERENTIAL = "differential", pgettext_lazy("part category", "Differential")
    FRAME = "frame", pgettext_lazy("part category", "Frame")
    FRONT_SHOCK = "front_shock", pgettext_lazy("part category", "Front shock absorber")
    RIM = "rim", pgettext_lazy("part category", "Rim (welded)")
    BATTERY = "battery", pgettext_lazy("part category", "Traction battery")
    BODY = "body", pgettext_lazy("part category", "Body and trim")
    ELECTRICAL = "electrical", pgettext_lazy("part category", "Electrical")
    CONSUMABLE = "consumable", pgettext_lazy("part category", "Consumables")
    ACCESSORY = "accessory", pgettext_lazy("part category", "Accessories")
    OTHER = "other", pgettext_lazy("part category", "Other")


# The key parts of R-QLT-2, in the order the requirement lists them; the data migration seeds
# ``MonitoredPartCategory`` from this list, after which the table is the source of truth.
KEY_PART_CATEGORIES: tuple[str, ...] = (
    PartCategory.MOTOR,
    PartCategory.CONTROLLER,
    PartCategory.REAR_AXLE,
    PartCategory.DIFFERENTIAL,
    PartCategory.FRAME,
    PartCategory.FRONT_SHOCK,
    PartCategory.RIM,
)


class PartUnit(models.TextChoices):
    PIECE = "piece", pgettext_lazy("unit of measure", "Piece")
    SET = "set", pgettext_lazy("unit of measure", "Set")
    LITRE = "litre", pgettext_lazy("unit of measure", "Litre")
    METRE = "metre", pgettext_lazy("unit of measure", "Metre")
    KG = "kg", pgettext_lazy("unit of measure", "Kilogram")
