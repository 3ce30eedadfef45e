"""``python -m chainrule`` runs the command line."""

from chainrule.cli.app import main

if __name__ == "__main__":
    raise SystemExit(main())
