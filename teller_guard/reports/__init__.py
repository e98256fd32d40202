"""Reports: statistics, exports and the notice. May import core and storage, never the UI."""
