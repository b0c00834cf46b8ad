"""The prompt room: the prompt box, the request parameters, reference images and Generate."""

from editor.ui.prompt.prompt_panel import PromptPanel
from editor.ui.prompt.references_strip import ReferencesStrip

__all__ = ["PromptPanel", "ReferencesStrip"]
