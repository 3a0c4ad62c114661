"""Searchable pickers for customers, vehicles, organisations and parts (issue 8 item 6)."""

from .fields import SEARCH_SUFFIX, PickerField, PickerWidget, swap_pickers, use_pickers
from .registry import PickerKind, PickerOption, get_picker, picker_for_model, picker_kinds, register_picker

__all__ = ["SEARCH_SUFFIX", "PickerField", "PickerKind", "PickerOption", "PickerWidget", "get_picker",
           "picker_for_model", "picker_kinds", "register_picker", "swap_pickers", "use_pickers"]
