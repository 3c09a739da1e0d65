"""`python -m infoint_site`: the command line."""

from .cli import main

main()
