"""The prompt room: the prompt box, the request parameters and Generate."""

from editor.ui.prompt.prompt_panel import PromptPanel

__all__ = ["PromptPanel"]
