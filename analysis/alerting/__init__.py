"""What ``alert`` decides: which findings are open, and what changed since the last run.

:mod:`.events` compares the findings of a day with the stored state (pure, no I/O);
:mod:`.codec` turns findings into JSON for the store and back; the state itself is read and
written through :mod:`analysis.read.alertstate`.
"""
