"""`python -m actviz` is the `actviz` command."""
from .cli import main

main()
