"""teller_guard: a bank-branch anti-fraud assistant for tellers and lobby staff.

Importing the package never imports the UI; `teller_guard.ui` is loaded only by
the commands that start it.
"""

__version__ = "0.1.0"
