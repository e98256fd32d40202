"""Who did it, for real: staff accounts, PINs (argon2id), sign-in, lock-out, supervisors'
approvals, permissions and the audit trail they leave.

Layering: ``identity`` uses ``core`` (accounts, permissions, audit events) and ``storage`` (the
staff table, ``record_audit``); the app and the CLI use ``identity``. Nothing here imports the UI.
"""

from __future__ import annotations

from teller_guard.identity.gate import Gate, Where
from teller_guard.identity.refusals import AccessRefused, Refusal

__all__ = ["AccessRefused", "Gate", "Refusal", "Where"]
