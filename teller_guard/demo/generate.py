"""Demo rows: a pool of engine-scored case templates, sampled and varied into row chunks for
:meth:`~teller_guard.storage.repository.Repository.bulk_insert_rows` (in this process, or in a
second one for big runs)."""

from __future__ import annotations

import bisect
import gc
import hashlib
import json
import marshal
import math
import multiprocessing
import random
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, time
from multiprocessing.connection import Connection
from typing import Any
from zoneinfo import ZoneInfo

from teller_guard.core.case import CaseState
from teller_guard.core.models import Assessment
from teller_guard.core.money import format_yuan
from teller_guard.core.notice_text import notice_text_hash
from teller_guard.core.records import mask_name
from teller_guard.core.rules import RuleSet
from teller_guard.core.scoring import assess
from teller_guard.demo.calendar import OPENS_AT, SLOT_WEIGHTS, WEEKDAY_WEIGHTS, StampClock, business_days
from teller_guard.demo.scenarios import (
    ACK_METHODS,
    COMPANIES,
    DECISIONS,
    LOBBY,
    NOTICE_SECONDS,
    SCENARIOS,
    STEP_SECONDS,
    STEPS,
    SUPERVISOR,
    SUPERVISOR_REASONS,
    SURNAMES,
    TELLER_WEIGHTS,
    TELLERS,
    Scenario,
)
from teller_guard.storage.demo import DEMO_EXTRA, DEMO_EXTRA_JSON, RowChunk

# ---------------------------------------------------------------------------------- JSON

_RAW_JSON_KEYS = frozenset(
    {"machine_id", "amount_fen", "customer_age", "payee_name_masked", "payee_account_masked", "signals", "decision",
     "acknowledgement", "handoff_from_uid", "step_seconds"}
)  # fmt: skip
"""Per-row values given to the JSON template already encoded (numbers, objects, nullable strings);
the others are strings that never need escaping and are quoted by the template."""


def _json_str(value: str | None) -> str:
    """JSON for strings this module builds itself (asserted free of characters JSON escapes)."""
    return "null" if value is None else '"' + value + '"'


_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f]')


# ---------------------------------------------------------------------------------- templates


@dataclass
class _Template:
    """One engine-scored case and everything a row built from it shares."""

    scenario: Scenario
    level: str
    score: int
    typology_ids: tuple[str, ...]
    amount_fen: int
    amount_lo: int
    """New amounts must be strictly between ``amount_lo`` and ``amount_hi`` (fen)."""
    amount_hi: int
    age: int
    age_lo: int
    age_hi: int
    amount_text: str
    age_text: str
    has_payee: bool
    payee_relation: str | None
    static: dict[str, Any]
    """Intervention columns that do not change from row to row."""
    answers: tuple[tuple[str, str, str], ...]
    """(item_id, value_json, said) in record order."""
    signals: tuple[tuple[str, str, str, int, str, str], ...]
    amount_signals: frozenset[int]
    age_signals: frozenset[int]
    signals_json: str
    json_format: str
    """The record's canonical JSON as a ``str.format_map`` template of the per-row values."""


def _cumulative(weights: Sequence[float]) -> Iterator[float]:
    acc = 0.0
    for w in weights:
        acc += w
        yield acc


class _Picker:
    """A weighted choice from fixed weights, precomputed once (``random.choices`` rebuilds them per call)."""

    __slots__ = ("keys", "cum", "total")

    def __init__(self, weights: Mapping[str, float]) -> None:
        self.keys = list(weights)
        self.cum = list(_cumulative([weights[k] for k in self.keys]))
        self.total = self.cum[-1]

    def __call__(self, u: float) -> str:
        """The key for a uniform draw ``u`` in [0, 1)."""
        return self.keys[bisect.bisect(self.cum, u * self.total)]


def _amount_fen(rng: random.Random, spec: tuple[float, float, float, float]) -> int:
    """A log-normal amount in fen, rounded the way people round transfers."""
    median, sigma, lo, hi = spec
    yuan = min(hi, max(lo, median * math.exp(rng.gauss(0.0, sigma))))
    # Most sums are to the hundred, large ones to the thousand, a few are exact to the fen.
    r = rng.random()
    if r < 0.08:
        return round(yuan * 100)
    step = 1000 if yuan >= 20000 and r < 0.7 else 100 if yuan >= 1000 else 10
    return max(step, round(yuan / step) * step) * 100


class DemoGenerator:
    """Builds the template pool once, then yields row chunks for :meth:`Repository.bulk_insert_rows`.

    Deterministic: the same rules, seed, end time, months, time zone and pool size give the
    same rows, byte for byte.
    """

    def __init__(
        self,
        rules: RuleSet,
        *,
        seed: int,
        end: datetime,
        months: int = 12,
        tz: ZoneInfo | None = None,
        pool_size: int = 3000,
    ) -> None:
        if end.tzinfo is None:
            raise ValueError("end must be timezone-aware")
        self.rules = rules
        self.seed = seed
        self.tz = tz or ZoneInfo("Asia/Shanghai")
        self.end = end
        self.months = months
        self.rng = random.Random(seed)
        self.clock = StampClock()
        self.scenarios = {s.id: s for s in SCENARIOS}
        self._amount_thresholds = sorted(
            {int(b.min_yuan * 100) for b in rules.policy.amount_band}
            | {int(p.typical_max_yuan * 100) for p in rules.purposes if p.typical_max_yuan is not None}
        )
        self._age_thresholds = sorted({b.min_age for b in rules.policy.age_band})
        self._age_signals = {b.signal for b in rules.policy.age_band}
        self._amount_signals = {b.signal for b in rules.policy.amount_band} | {"amount_purpose_mismatch"}
        # The hash the counter records with every acknowledgement.
        self._notice_hash = notice_text_hash(rules)
        self.pool: dict[str, list[_Template]] = {}
        self._build_pool(pool_size)
        self._payee_accounts = [f"****{i:04d}" for i in range(10000)]
        self._companies = [mask_name(c) or "" for c in COMPANIES]
        self._machines: list[str | None] = [m.id for m in rules.branch.machines] or [None]
        self._local_cache: dict[int, str] = {}
        self._notice_version = rules.notice.version
        self._notice_version_js = json.dumps(rules.notice.version, ensure_ascii=False)
        self._decision_js = {
            d.id: f'"decision":"{d.id}","group":"{d.group}","label":{json.dumps(d.label, ensure_ascii=False)},"note":""'
            for d in rules.policy.decision
        }

    # ------------------------------------------------------------ the pool
    def _build_pool(self, size: int) -> None:
        total = sum(math.sqrt(s.weight) for s in SCENARIOS)
        for s in SCENARIOS:
            k = max(12, round(size * math.sqrt(s.weight) / total))
            self.pool[s.id] = [self._template(s) for _ in range(k)]

    def _case(self, s: Scenario) -> CaseState:
        rng = self.rng
        checklist = self.rules.checklist_for(s.channel)
        answers: dict[str, bool | str] = {}
        said: dict[str, str] = {}
        for item in checklist.item:
            if item.id in s.choices:
                answers[item.id] = _Picker(s.choices[item.id])(rng.random())
            elif item.id in s.yesno:
                answers[item.id] = rng.random() < s.yesno[item.id]
            elif item.kind == "yesno" and item.key:
                # Closing is the teller's word that the 二看 were done: an unticked look is
                # stored as not seen (as the counter screen does).
                answers[item.id] = rng.random() < s.looks.get(item.id, 0.0)
            if item.id in s.said:
                p, phrases = s.said[item.id]
                if rng.random() < p:
                    said[item.id] = rng.choice(phrases)
        lo, mode, hi = s.age
        return CaseState(
            channel=s.channel,
            staff_id="demo",
            amount=f"{(fen := _amount_fen(rng, s.amount)) // 100}.{fen % 100:02d}",
            customer_age=int(rng.triangular(lo, hi, mode)),
            customer_sex="F" if rng.random() < s.female else "M",
            answers=answers,
            said=said,
        )

    def _template(self, s: Scenario) -> _Template:
        case = self._case(s)
        assessment: Assessment = assess(self.rules, case.to_input(self.rules))
        closed = datetime(2000, 1, 1, tzinfo=UTC)
        rec = case.to_record(self.rules, assessment, decision=None, closed_at=closed)
        amount_fen = rec.amount_fen
        lo = max((t for t in self._amount_thresholds if t < amount_fen), default=0)
        hi = min((t for t in self._amount_thresholds if t > amount_fen), default=10**12)
        age = rec.customer_age or 0
        age_lo = max((t for t in self._age_thresholds if t <= age), default=18)
        age_hi = min((t - 1 for t in self._age_thresholds if t > age), default=max(age, 95))
        signals = tuple((f.id, f.label, f.category, f.points, f.evidence, f.reason) for f in rec.signals)
        amount_text, age_text = format_yuan(amount_fen), f"{age}岁"
        amount_sigs = frozenset(
            i for i, f in enumerate(rec.signals) if f.id in self._amount_signals and amount_text in f.evidence
        )
        age_sigs = frozenset(i for i, f in enumerate(rec.signals) if f.id in self._age_signals)
        relation = case.answers.get("relation") if s.channel == "counter" else case.answers.get("business")
        has_payee = s.channel == "counter" or str(relation).startswith("transfer")

        # The record's canonical JSON (as InterventionRecord.canonical_json renders it), with
        # every per-row value replaced by a marker to split on.
        dump = rec.model_dump(mode="json")
        per_row = (
            "uid", "started_at", "closed_at", "staff_id", "staff_role", "machine_id", "amount_fen", "customer_age",
            "customer_sex", "customer_name_masked", "payee_name_masked", "payee_account_masked", "signals",
            "decision", "acknowledgement", "handoff_from_uid", "step_seconds",
        )  # fmt: skip
        for key in per_row:
            dump[key] = f"@@{key}@@"
        for a in dump["answers"]:
            a["answered_at"] = "@@closed_at@@"  # CaseState.to_record stamps every answer with the closing time
        dump["extra"] = dict(DEMO_EXTRA)
        rendered = json.dumps(dump, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        parts = re.split(r'"@@(\w+)@@"', rendered)
        json_format = "".join(
            ("{" + p + "}" if p in _RAW_JSON_KEYS else '"{' + p + '}"')
            if k % 2
            else p.replace("{", "{{").replace("}", "}}")
            for k, p in enumerate(parts)
        )
        signals_json = json.dumps(
            [asdict(f) for f in rec.signals], sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
        static = {
            "channel": rec.channel,
            "status": rec.status,
            "branch_code": rec.branch_code,
            "customer_ref": None,
            "payee_ref": None,
            "purpose_text": rec.purpose_text,
            "previous_purposes": json.dumps(list(rec.previous_purposes), ensure_ascii=False),
            "payee_relation_text": rec.payee_relation_text,
            "notes_text": rec.notes_text,
            "observations": ",".join(rec.observations),
            "score": rec.score,
            "level": rec.level,
            "rules_version": rec.rules_version,
            "signal_ids": ",".join(f.id for f in rec.signals),
            "typology_ids": ",".join(t.id for t in rec.typologies),
            "typology_labels": "；".join(t.label for t in rec.typologies),
            "primary_typology": rec.typologies[0].id if rec.typologies else None,
        }
        return _Template(
            scenario=s,
            level=rec.level,
            score=rec.score,
            typology_ids=tuple(t.id for t in rec.typologies),
            amount_fen=amount_fen,
            amount_lo=lo,
            amount_hi=hi,
            age=age,
            age_lo=age_lo,
            age_hi=age_hi,
            amount_text=amount_text,
            age_text=age_text,
            has_payee=has_payee,
            payee_relation=str(relation) if relation is not None else None,
            static=static,
            answers=tuple((a.item_id, json.dumps(a.value, ensure_ascii=False), a.said) for a in rec.answers),
            signals=signals,
            amount_signals=amount_sigs,
            age_signals=age_sigs,
            signals_json=signals_json,
            json_format=json_format,
        )

    def templates(self) -> Iterator[_Template]:
        for pool in self.pool.values():
            yield from pool

    # ------------------------------------------------------------ rows
    def _start_times(self, n: int) -> list[int]:
        """``n`` sorted start instants (epoch seconds) in local business hours, none after ``end``."""
        rng = self.rng
        end_epoch = int(self.end.timestamp())
        days = business_days(self.end.astimezone(self.tz).date(), self.months)
        # Local midnight of each day as an epoch (the zone's offset during business hours).
        midnights = [int(datetime.combine(d, time(12), self.tz).timestamp()) - 12 * 3600 for d in days]
        day_w = [WEEKDAY_WEIGHTS[d.weekday()] for d in days]
        slot_cum = list(_cumulative(SLOT_WEIGHTS))
        day_cum = list(_cumulative(day_w))
        out: list[int] = []
        while len(out) < n:
            k = n - len(out)
            ds = rng.choices(range(len(days)), cum_weights=day_cum, k=k)
            ss = rng.choices(range(len(SLOT_WEIGHTS)), cum_weights=slot_cum, k=k)
            for d, s in zip(ds, ss, strict=True):
                t = midnights[d] + OPENS_AT + s * 1800 + int(rng.random() * 1800)
                if t <= end_epoch:
                    out.append(t)
        out.sort()
        return out

    def _amount(self, t: _Template) -> int:
        rng = self.rng
        if rng.random() < 0.15:
            return t.amount_fen  # the same round sum again
        spec = t.scenario.amount
        for _ in range(4):
            fen = _amount_fen(rng, spec)
            if t.amount_lo < fen < t.amount_hi:
                return fen
        return t.amount_fen

    def chunks(self, n: int, first_id: int = 1, *, chunk: int = 10_000) -> Iterator[RowChunk]:
        """Yield ``n`` interventions (with their answers, signals, decisions, acknowledgements)
        as row tuples, ids counting up from ``first_id``, about ``chunk`` interventions a time."""
        rng = self.rng
        rnd = rng.random
        scenarios = [s for s in SCENARIOS if self.pool[s.id]]
        scen_cum = list(_cumulative([s.weight for s in scenarios]))
        starts = self._start_times(n)
        picks = rng.choices(range(len(scenarios)), cum_weights=scen_cum, k=n)
        teller = _Picker(dict(zip(TELLERS, TELLER_WEIGHTS, strict=True)))
        decide = {
            (ch, fraud, level): _Picker(weights)
            for (ch, fraud), by_level in DECISIONS.items()
            for level, weights in by_level.items()
        }
        counters: dict[str, int] = {}
        rows = _Rows()
        iid = first_id
        made = 0
        i = 0
        while made < n:
            s = scenarios[picks[i]]
            start = starts[i]
            i += 1
            pool = self.pool[s.id]
            t = pool[int(rnd() * len(pool))]
            if s.channel == "counter":
                staff, machine = teller(rnd()), None
            else:
                staff = LOBBY[int(rnd() * len(LOBBY))]
                machine = self._machines[int(rnd() * len(self._machines))]
            decision = decide[(s.channel, s.fraud, t.level)](rnd())
            if decision == "to_counter" and (made + 2 > n or not s.followup):
                decision = "dissuaded" if s.fraud else "self_proceed"
            uid, closed = self._row(rows, iid, t, start, staff, machine, decision, None, counters)
            iid += 1
            made += 1
            if decision == "to_counter":
                # The customer is walked to a counter, where a teller continues the case.
                assert s.followup is not None  # "to_counter" was kept only for a scenario with one (above)
                fpool = self.pool[s.followup]
                follow = fpool[int(rnd() * len(fpool))]
                fdec = decide[("counter", follow.scenario.fraud, follow.level)](rnd())
                later = closed + 60 + int(rnd() * 420)
                self._row(rows, iid, follow, later, teller(rnd()), None, fdec, uid, counters)
                iid += 1
                made += 1
            if len(rows.intervention) >= chunk:
                yield rows.take()
        if rows.intervention:
            yield rows.take()

    def _row(
        self,
        rows: _Rows,
        iid: int,
        t: _Template,
        start: int,
        staff: str,
        machine: str | None,
        decision_id: str,
        handoff_from: str | None,
        counters: dict[str, int],
    ) -> tuple[str, int]:
        """Append one intervention and its children to ``rows``; return its uid and closing time."""
        rng = self.rng
        rnd = rng.random
        clock = self.clock
        sc = t.scenario
        channel = sc.channel
        uid = f"{rng.getrandbits(128):032x}"

        amount = self._amount(t)
        # Within five years of the template's customer (the scenario's age profile), and never
        # across an age-band boundary.
        age = min(t.age_hi, max(t.age_lo, t.age - 5 + int(rnd() * 11)))
        sex = "F" if rnd() < sc.female else "M"
        surname = SURNAMES[int(rnd() * len(SURNAMES))]
        name = surname + ("*" if rnd() < 0.3 else "**")
        payee_name = payee_account = None
        if t.has_payee:
            rel = t.payee_relation
            if rel == "self":
                payee_name = name
            elif rel == "company":
                payee_name = self._companies[int(rnd() * len(self._companies))]
            elif rel in ("child", "parent", "transfer_family") and rnd() < 0.7:
                payee_name = surname + "*"
            else:
                payee_name = SURNAMES[int(rnd() * len(SURNAMES))] + ("*" if rnd() < 0.3 else "**")
            payee_account = self._payee_accounts[int(rnd() * 10000)]

        # The signals, with the amount and age they quote brought up to date.
        signals = t.signals
        signals_json = t.signals_json
        if amount != t.amount_fen and t.amount_signals:
            signals, signals_json = _requote(
                t, t.amount_signals, t.amount_text, format_yuan(amount), signals, signals_json
            )
        if age != t.age and t.age_signals:
            signals, signals_json = _requote(t, t.age_signals, t.age_text, f"{age}岁", signals, signals_json)

        # Time per step; the notice (medium and above at the counter, and low too where the
        # branch policy has every remittance customer sign it) is a step of its own.
        level = t.level
        has_ack = channel == "counter" and level != "low"
        # A low-risk customer who signs as a matter of policy signs on paper at once; no random
        # draw is spent on it, so the rest of a seeded run is the same with either policy.
        low_ack = channel == "counter" and level == "low" and self.rules.policy.notice.low_risk_signs
        spans = STEP_SECONDS[channel][level]
        secs = [lo + int(rnd() * (hi - lo + 1)) for lo, hi in spans]
        if has_ack:
            secs[-1] += NOTICE_SECONDS[0] + int(rnd() * (NOTICE_SECONDS[1] - NOTICE_SECONDS[0] + 1))
        elif low_ack:
            secs[-1] += NOTICE_SECONDS[0]
        steps_db, steps_js = _STEP_FORMATS[channel]
        ordered = [secs[k] for k in _STEP_ORDER[channel]]
        duration = sum(secs)
        closed = start + duration
        start_db, closed_db, closed_js = clock.db(start), clock.db(closed), clock.js(closed)
        local = self._local_day(closed)

        # The decision, and what it protected.
        d = self.rules.decisions[decision_id]
        protected = amount if d.records_amount_protected else 0
        police_ref = police_at_db = police_at_js = None
        if d.records_police:
            k = counters[local + "p"] = counters.get(local + "p", 0) + 1
            police_ref = f"DEMO-JJ{local.replace('-', '')}{k:03d}"
            at = closed - 120 - int(rnd() * max(1, min(1680, duration - 150)))
            police_at_db, police_at_js = clock.db(at), clock.js(at)
        ack: tuple[Any, ...] | None = None
        ack_js = "null"
        if has_ack or low_ack:
            method = _ACK_PICKER(rnd()) if has_ack else "paper"
            k = counters[local] = counters.get(local, 0) + 1
            serial = f"DEMO-{local.replace('-', '')}-{k:04d}"  # next_notice_serial's shape, DEMO for the branch
            at = closed - 5 - (int(rnd() * 40) if has_ack else 20)  # signed, then the case is closed
            signer = None if method == "refused" else name
            ack = (method, serial, self._notice_version, self._notice_hash, signer, staff, clock.db(at), None, None)
            ack_js = (
                f'{{"at":"{clock.js(at)}","method":"{method}","notice_serial":"{serial}",'
                f'"notice_text_hash":"{self._notice_hash}","notice_version":{self._notice_version_js},'
                f'"reason":null,"signer_masked":{_json_str(signer)},"supervisor_id":null,"witness_staff_id":"{staff}"}}'
            )
        supervisor = reason = None
        if level in d.needs_supervisor_at or (
            ack is not None and ack[0] == "refused" and level in ("high", "critical")
        ):
            supervisor, reason = SUPERVISOR, SUPERVISOR_REASONS[int(rnd() * len(SUPERVISOR_REASONS))]
        dj = self._decision_js[d.id]
        decision_js = (
            f'{{"amount_protected_fen":{protected},"decided_at":"{closed_js}","decided_by":"{staff}",{dj},'
            f'"police_called_at":{_json_str(police_at_js)},"police_ref":{_json_str(police_ref)},'
            # The demo supervisor approves with their PIN at the moment the case closes.
            + (f'"supervisor_at":"{closed_js}","supervisor_auth":"pin",' if supervisor else "")
            + f'"supervisor_id":{_json_str(supervisor)},"supervisor_reason":{_json_str(reason)}}}'
        )

        role = "teller" if channel == "counter" else "lobby"
        canonical = t.json_format.format(
            uid=uid,
            started_at=clock.js(start),
            closed_at=closed_js,
            staff_id=staff,
            staff_role=role,
            machine_id=_json_str(machine),
            amount_fen=amount,
            customer_age=age,
            customer_sex=sex,
            customer_name_masked=name,
            payee_name_masked=_json_str(payee_name),
            payee_account_masked=_json_str(payee_account),
            signals=signals_json,
            decision=decision_js,
            acknowledgement=ack_js,
            handoff_from_uid=_json_str(handoff_from),
            step_seconds=steps_js % tuple(ordered),
        )
        record_hash = hashlib.sha256(canonical.encode()).hexdigest()

        st = t.static
        rows.intervention.append(
            (
                iid, uid, channel, "closed", start_db, closed_db, local, local[:7], st["branch_code"],
                staff, role, machine, amount, age, sex, None, name, payee_name, payee_account, None,
                st["purpose_text"], st["previous_purposes"], st["payee_relation_text"], st["notes_text"],
                st["observations"], st["score"], st["level"], st["rules_version"], st["signal_ids"],
                st["typology_ids"], st["typology_labels"], st["primary_typology"], d.group, protected,
                ack[0] if ack is not None else None, handoff_from, None, None,
                steps_db % tuple(ordered), duration, record_hash, None, DEMO_EXTRA_JSON,
            )
        )  # fmt: skip
        rows.answer.extend([(iid, item, value, said, closed_db) for item, value, said in t.answers])
        rows.fired_signal.extend([(iid, *sig) for sig in signals])
        rows.decision.append(
            (
                iid, d.id, d.label, d.group, staff, closed_db, protected, police_ref, police_at_db, supervisor, reason,
                "", closed_db if supervisor else None, "pin" if supervisor else None,
            )
        )  # fmt: skip
        if ack is not None:
            rows.acknowledgement.append((iid, *ack))
        return uid, closed

    def _local_day(self, epoch: int) -> str:
        # Cached per hour: every zone offset in use is a whole number of hours or half-hours,
        # and a half-hour zone's rows never close within 30 minutes of local midnight.
        key = epoch // 3600
        day = self._local_cache.get(key)
        if day is None:
            day = self._local_cache[key] = datetime.fromtimestamp(epoch, self.tz).date().isoformat()
        return day


def _step_formats() -> tuple[dict[str, tuple[str, str]], dict[str, list[int]]]:
    """``%d`` templates of ``step_seconds`` as the repository stores it (``json.dumps(..., sort_keys=True)``)
    and as the canonical record JSON renders it, with the order the step values go in."""
    formats, orders = {}, {}
    for channel, keys in STEPS.items():
        order = sorted(range(len(keys)), key=lambda k: keys[k])
        db = "{" + ", ".join(f"{json.dumps(keys[k])}: %d" for k in order) + "}"
        js = "{" + ",".join(f'"{keys[k]}":%d' for k in order) + "}"
        formats[channel] = (db, js)
        orders[channel] = order
    return formats, orders


_STEP_FORMATS, _STEP_ORDER = _step_formats()
_ACK_PICKER = _Picker(dict(ACK_METHODS))


def _requote(
    t: _Template,
    which: frozenset[int],
    old: str,
    new: str,
    signals: tuple[tuple[str, str, str, int, str, str], ...],
    signals_json: str,
) -> tuple[tuple[tuple[str, str, str, int, str, str], ...], str]:
    """Rewrite the amount or age quoted in the evidence and reason of the signals that quote it."""
    out = tuple(
        (a, b, c, d, e.replace(old, new), f.replace(old, new)) if k in which else (a, b, c, d, e, f)
        for k, (a, b, c, d, e, f) in enumerate(signals)
    )
    return out, signals_json.replace(old, new)


class _Rows:
    """Row buffers of one chunk."""

    def __init__(self) -> None:
        self.intervention: list[tuple[Any, ...]] = []
        self.answer: list[tuple[Any, ...]] = []
        self.fired_signal: list[tuple[Any, ...]] = []
        self.decision: list[tuple[Any, ...]] = []
        self.acknowledgement: list[tuple[Any, ...]] = []

    def take(self) -> RowChunk:
        out = {
            "intervention": self.intervention,
            "answer": self.answer,
            "fired_signal": self.fired_signal,
            "decision": self.decision,
            "acknowledgement": self.acknowledgement,
        }
        self.intervention, self.answer, self.fired_signal, self.decision, self.acknowledgement = [], [], [], [], []
        return out


# ---------------------------------------------------------------------------------- two cores


@dataclass(frozen=True)
class DemoSpec:
    """Everything that determines a demo run: a :class:`DemoGenerator` built from it in another
    process yields exactly the rows one built here would."""

    rules_dir: str
    seed: int
    end: datetime
    months: int
    tz: str
    pool_size: int

    def generator(self) -> DemoGenerator:
        from teller_guard.core.rules import load_rules

        return DemoGenerator(
            load_rules(self.rules_dir),
            seed=self.seed,
            end=self.end,
            months=self.months,
            tz=ZoneInfo(self.tz),
            pool_size=self.pool_size,
        )


def _produce(spec: DemoSpec, n: int, first_id: int, chunk: int, conn: Connection) -> None:
    """Child process: generate the rows and send each chunk down the pipe (``marshal``: about
    twice as fast as pickle for tuples of str/int/None), then an empty message."""
    # Row tuples hold only str/int/None and cannot form reference cycles: the cyclic
    # collector would only rescan millions of them (≈25% of the run time) for nothing.
    gc.disable()
    try:
        for rows in spec.generator().chunks(n, first_id, chunk=chunk):
            conn.send_bytes(marshal.dumps(rows))
        conn.send_bytes(b"")
    except BrokenPipeError:  # the consumer gave up (an insert failed): nothing left to do
        pass
    finally:
        conn.close()


def pipelined_chunks(spec: DemoSpec, n: int, first_id: int = 1, *, chunk: int = 10_000) -> Iterator[RowChunk]:
    """The same chunks as ``spec.generator().chunks(n, first_id)``, generated in a second process.

    Building rows (≈30 µs an intervention) and inserting them (≈40 µs with ≈15 child rows and
    the production indexes) are both CPU-bound; in one process they add up, in two they
    overlap on a second core. The child is *spawned*, not forked: the caller holds an open
    SQLite write transaction, which a forked child must never inherit.
    """
    ctx = multiprocessing.get_context("spawn")
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_produce, args=(spec, n, first_id, chunk, send), daemon=True)
    proc.start()
    send.close()
    try:
        while True:
            try:
                data = recv.recv_bytes()
            except EOFError:
                raise RuntimeError(f"the demo-data generator process died (exit status {proc.exitcode})") from None
            if not data:
                break
            yield marshal.loads(data)
    finally:
        recv.close()
        proc.join(timeout=5)
        if proc.is_alive():
            proc.terminate()
            proc.join()
