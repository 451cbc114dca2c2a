"""``python -m quyche`` runs the command line."""

from quyche.cli import main

main()
