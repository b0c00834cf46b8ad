"""The gallery room: every variant of every round as thumbnails, loaded as they scroll into view."""

from editor.ui.gallery.gallery import Gallery

__all__ = ["Gallery"]
