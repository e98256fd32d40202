"""teller_guard: a bank-branch anti-fraud assistant for tellers and lobby staff.

Importing the package never imports the UI; `teller_guard.ui` is loaded only by
the commands that start it.
"""

import os

__version__ = "0.1.0"

# No pydantic plugin runs inside the app: a plugin is any installed package that declares one,
# and it would see every value validated here (PINs as typed, the customer's words). Looking for
# plugins also reads the metadata of every installed package (≈14 ms at start-up).
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
