"""`python -m teller_guard` does what the `teller-guard` command does."""

from teller_guard.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
