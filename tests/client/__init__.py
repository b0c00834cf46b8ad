"""Tests for editor.client (a package so helper imports and file names stay local)."""
