"""`python -m actviz` is the `actviz` command."""
from .cli import main

if __name__ == "__main__":  # not when a gallery worker process imports this module
    main()
