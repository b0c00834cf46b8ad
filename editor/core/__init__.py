"""Qt-free logic: pixels, masks, sizing, compositing and the request contract."""
