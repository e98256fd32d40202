"""Realistic synthetic interventions for demos, screenshots and benchmarks (``teller-guard demo-data``).

Every row is genuine engine output. A pool of case templates is built by filling
:class:`~teller_guard.core.case.CaseState` objects with plausible answers and customer
phrasings (one *scenario* per kind of visit: routine family transfers, 冒充公检法, 安全账户,
刷单返利 …) and scoring each with the real engine (:func:`~teller_guard.core.scoring.assess`),
then turning it into the real :class:`~teller_guard.core.records.InterventionRecord` with
:meth:`CaseState.to_record`. Rows are then sampled from the pool and varied only in what the
engine's output does not depend on — uid, time, staff, masked names, sex, the decision — or in
ways that keep it the same: a new amount stays between the same amount-band and purpose-cap
thresholds, a new age inside the same age band, and the amount or age quoted in those signals'
evidence is rewritten to the new value. So re-assessing any stored row gives back its stored
score, level and signals (the tests check this).

Running the engine for each of a million rows would take minutes (≈0.4 ms each); sampling a
pool of a few thousand templates and building rows as tuples, with each record's canonical
hash assembled from pre-rendered JSON fragments, takes seconds.

Demo rows are marked three ways so a branch can never mistake them for real interventions:
``extra = {"demo": "1"}`` on every record, staff ids starting ``demo-``, and notice serials and
police references starting ``DEMO-``. Customer names are masked (``张*``), there are no ID
numbers (age and sex only) and ``customer_ref`` is empty.
"""

from teller_guard.demo.generate import DemoGenerator, DemoSpec, pipelined_chunks
from teller_guard.demo.scenarios import DEMO_STAFF, SCENARIOS, Scenario

__all__ = ["DEMO_STAFF", "SCENARIOS", "DemoGenerator", "DemoSpec", "Scenario", "pipelined_chunks"]
