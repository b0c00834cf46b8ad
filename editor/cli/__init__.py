"""The command line: `inpaint-editor [IMAGE]`, `edit` (headless) and `serve` (local server)."""
