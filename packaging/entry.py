"""The bundle's entry point: the same ``main`` the ``inpaint-editor`` console script runs."""

from editor.cli.main import main

if __name__ == "__main__":
    raise SystemExit(main())
