"""Guarantee designs as data: YAML files validated by pydantic, and the shipped presets."""

from pact24.designs.loader import load_design, load_design_text, preset_names, resolve_design
from pact24.designs.schema import Design

__all__ = ["Design", "load_design", "load_design_text", "preset_names", "resolve_design"]
