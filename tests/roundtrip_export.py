#!/usr/bin/env python3
"""Round trip of `runlens table` exports: what a program reads back is what the runs hold.

Writes its own run folders (generic layout: config.yaml + metrics.json per run) into a
temporary folder, with values it knows: strings with commas, double and single quotes, LF,
CRLF and CR line breaks, tabs, backslashes, Unicode (accents, CJK, emoji; metrics.json spells
them as \\u escapes, surrogate pairs included), a leading `= + - @` or tab, a `|`, an empty and
a long string, strings that look like numbers, booleans or NaN; numbers that need every digit
(0.1+0.2, 1/3, 1e-300, the smallest normal and largest double, subnormals, 2**53+1, 2**63-1
and integers beyond int64, -0.5, -0.0, 123456789.123456789), booleans, NaN, inf and -inf, and
keys missing in some runs, also in hostile key names (a comma, quotes, a leading `@`). Then
it exports them with `runlens table` (no --precision: every digit must survive) and reads the
files back:

- CSV, raw (--no-formula-guard) and guarded, with Python's csv module: each string exactly,
  each number exactly (float(cell) equal bit for bit, integers exactly), NaN and infinities,
  a missing value as an empty cell; the guarded file differs from the raw one only by a `'`
  before each string (headers too) that starts with `= + - @`, a tab or a CR (numbers such as
  -0.5 untouched). README documents `= + - @`; the tab and CR are the OWASP rule the writer
  follows.
- TSV, raw and guarded: one line per row, `\\\\ \\t \\n \\r` escaped, otherwise as CSV.
- JSON with the json module: typed values, NaN and infinities as "NaN", "Infinity",
  "-Infinity", a missing key absent from its record.
- pandas, when importable: read_csv as strings (keep_default_na=False), read_csv typed
  (float_precision="round_trip") for the numeric columns, and read_json (precise_float=True).
- Grouped output (--group-by, --agg mean,std,count) in CSV and JSON against the mean, the
  sample std (n - 1) and the count computed here in Python (math.fsum, exact rationals) and,
  when importable, by pandas groupby, to 1e-12 relative.

    roundtrip_export.py RUNLENS_BINARY

Exit status 0 when everything reads back, 1 on any difference (each message names the run or
group, the column, what was expected and what was read), 2 on bad usage. The pandas checks
are skipped with a message when pandas cannot be imported; the rest needs only the standard
library, so the script never reports a skip (77) itself.

pandas before 2.1 turns the groupby mean of a group holding an infinity into NaN
(pandas-dev/pandas#50367); for that group the pandas reference is Series.mean.
"""

import csv
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
from fractions import Fraction
from pathlib import Path

try:
    import pandas as pd
except ImportError as e:  # pragma: no cover - depends on the machine
    pd = None
    PANDAS_MISSING = str(e)

MISSING = object()  # a key the run lacks


class Spelled(float):
    """A real written into config.yaml with this spelling (more digits than it needs, an
    exponent form), which the exports keep: the text must still read as the same double."""

    def __new__(cls, value, text):
        obj = super().__new__(cls, value)
        obj.text = text
        return obj

NAN, INF = math.nan, math.inf
REL = 1e-12

# ---------------------------------------------------------------------------------------------
# The fixture
# ---------------------------------------------------------------------------------------------

LONG = ("A long value, with \"quotes\", commas, a | pipe and\nline breaks; " * 60 +
        "caf\u00e9 \u6771\u4eac \U0001F600 end")

# Hostile strings; run i holds STRINGS[(j + i) % n] in column j, so each column sees several.
STRINGS = [
    "has, a comma",
    'say "hi", then "bye"',
    "it's 'single' quoted",
    "line one\nline two",
    "line one\r\nline two\r\n",
    "old mac\rline",
    "a\tb\tc",
    "na\u00efve caf\u00e9 \u00dcml\u00e4ut \u2014 \u6771\u4eac \u4e2d\u6587 \U0001F600\U0001F680",
    "=SUM(A1:A9)",
    "+cmd|' /C calc'!A0",
    "-not a number",
    "@user",
    "a|b||c",
    "",
    LONG,
    "C:\\temp\\new\\table \\",
    "1e-3",
    "-0.5",
    "  padded  ",
    "\tleading tab",
    '"',
    "true",
    "NaN",
    "=",
]
STRING_KEYS = [f"s{j:02d}" for j in range(len(STRINGS))]

# Strings in metrics.json (a second reader), rotated the same way.
METRIC_STRINGS = ["=1+1", 'he said "x, y"', "tab\there\nnewline", "\U0001F600 \u00e9",
                  "@once", "back\\slash", "-", "plain"]
METRIC_STRING_KEYS = [f"ms{j}" for j in range(len(METRIC_STRINGS))]

# Numbers per run (three runs); MISSING where a run lacks the key. Each goes into config.yaml as
# `c_<name>` and into metrics.json as `m_<name>`.
NUMBERS = {
    "sum": [0.1 + 0.2, 0.1 * 3, 2 / 3],
    "third": [1 / 3, -1 / 3, 1 / 7],
    "tiny": [1e-300, 2.2250738585072014e-308, 4.5e-300],
    "huge": [1.7976931348623157e308, 1e300, -1e300],
    "int53": [2**53 + 1, -(2**53 + 1), 2**63 - 1],
    "neg": [-0.5, -0.0, -1e-10],
    "long": [123456789.123456789, 9876543210.0123456, 1.0000000000000002],
    "special": [NAN, INF, -INF],
    "mixed": [1, 2.5, NAN],
    "flag": [True, False, True],
    "spelled": [Spelled(123456789.123456789, "123456789.123456789"), Spelled(1e-5, "1.0E-05"),
                Spelled(2.0, "2.000")],
    "partial": [0.25, MISSING, 0.75],
    "sparse": [MISSING, MISSING, -2.5e-7],
}
# Headers that need quoting (and one the formula guard prefixes), in metrics.json.
HOSTILE_KEYS = {'weird, "key" | \u00fc': [1.5, 2.5, MISSING], "@at key": ["x", MISSING, "=z"]}
RUNS = ["run-a", "run-b", "run-c"]

# Integers beyond int64 (kept as the file's digits) and subnormal doubles go in a folder of
# their own, checked with the standard library only: pandas' read_json refuses both ("Value is
# too big!", "Range error when decoding numeric as double" with precise_float), which is
# pandas' limit, not an export's.
BIG_RUNS = {"big-1": {"c_big": 10**30, "m_big": -(2**64) - 1, "m_small": -(2**63),
                      "c_subnormal": 5e-324, "m_subnormal": -1e-310},
            "big-2": {"c_big": 2**64, "m_big": 12345678901234567890123, "m_small": 2**63 - 1,
                      "c_subnormal": 2.2250738585072009e-308, "m_subnormal": MISSING}}

# Grouped runs: a hostile string key `grp` (missing in two runs), metrics with NaN and inf.
GROUPS = {
    "g01": ('alpha, "one"', {"score": 1 / 3, "loss": 0.1 + 0.2, "steps": 10}),
    "g02": ('alpha, "one"', {"score": 2 / 3, "loss": NAN, "steps": 11}),
    "g03": ('alpha, "one"', {"score": 0.1, "loss": 1e-300, "steps": 13}),
    "g04": ("=beta", {"score": 123456789.123456789, "loss": 0.5, "steps": 7}),
    "g05": ("=beta", {"score": -0.5, "loss": 0.25}),
    "g06": ("\u03b3 \u6771\u4eac \U0001F600", {"score": 0.7, "loss": NAN, "steps": 3}),
    "g07": ("\u03b3 \u6771\u4eac \U0001F600", {"score": INF, "loss": NAN, "steps": 4}),
    "g08": (MISSING, {"score": 1e-5, "loss": 2.0, "steps": 1}),
    "g09": (MISSING, {"score": 3e-5, "loss": 4.0, "steps": 2}),
    "g10": ("line\nbreak|pipe", {"score": 0.3, "loss": 0.3, "steps": 5}),
}
GROUP_METRICS = ["score", "loss", "steps"]
GROUP_AGGS = ["mean", "std", "count"]


def yaml_scalar(v):
    """A YAML 1.2 scalar that reads back as exactly `v`."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, Spelled):
        return v.text
    if isinstance(v, float):
        if math.isnan(v):
            return ".nan"
        if math.isinf(v):
            return ".inf" if v > 0 else "-.inf"
        return repr(v)
    # JSON's escapes (\" \\ \n \r \t \uXXXX) are YAML double-quoted escapes too.
    return json.dumps(v, ensure_ascii=False)


def write_run(folder, config, metrics):
    folder.mkdir(parents=True)
    lines = [f"{k}: {yaml_scalar(v)}" for k, v in config.items() if v is not MISSING]
    (folder / "config.yaml").write_text("# written by roundtrip_export.py\n" + "\n".join(lines)
                                        + "\n", encoding="utf-8")
    # ensure_ascii: non-ASCII as \u escapes (an emoji as a surrogate pair); NaN, Infinity and
    # -Infinity as the bare tokens Python writes.
    (folder / "metrics.json").write_text(
        json.dumps({k: v for k, v in metrics.items() if v is not MISSING}, ensure_ascii=True),
        encoding="utf-8")


def flat_fixture(root):
    """Writes the flat runs; returns {run: {column: expected value or MISSING}}."""
    expected = {}
    for i, run in enumerate(RUNS):
        config, metrics = {}, {}
        for j, key in enumerate(STRING_KEYS):
            config[key] = STRINGS[(j + i) % len(STRINGS)]
        for j, key in enumerate(METRIC_STRING_KEYS):
            metrics[key] = METRIC_STRINGS[(j + i) % len(METRIC_STRINGS)]
        for name, values in NUMBERS.items():
            config["c_" + name] = values[i]
            metrics["m_" + name] = values[i]
        for key, values in HOSTILE_KEYS.items():
            metrics[key] = values[i]
        write_run(root / run, config, metrics)
        expected[run] = {**config, **metrics}
    return expected


def big_fixture(root):
    expected = {}
    for run, values in BIG_RUNS.items():
        write_run(root / run, {k: v for k, v in values.items() if k.startswith("c_")},
                  {k: v for k, v in values.items() if k.startswith("m_")})
        expected[run] = dict(values)
    return expected


def group_fixture(root):
    for run, (grp, metrics) in GROUPS.items():
        write_run(root / run, {"grp": grp, "seed": int(run[1:])}, metrics)


# ---------------------------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------------------------


class Checker:
    def __init__(self):
        self.problems = []
        self.checked = 0

    def fail(self, where, run, column, expected, got):
        """`run` is a run id, or a tuple ("group", value) for a row of grouped output."""
        who = (f"group {'(runs lacking the key)' if run[1] is None else repr(run[1])}"
               if isinstance(run, tuple) else f"run {run!r}")
        self.problems.append(f"{where}: {who}, column {column!r}: expected {expected!r}, "
                             f"got {got!r}")

    def note(self, where, message):
        self.problems.append(f"{where}: {message}")


def same_float(a, b):
    """Equal bit for bit as doubles (NaN equals NaN; -0.0 differs from 0.0)."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b and math.copysign(1, a) == math.copysign(1, b)


def close(a, b):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return a == b or abs(a - b) <= REL * max(abs(a), abs(b))


GUARDED = ("=", "+", "-", "@", "\t", "\r")


def guard(s):
    return "'" + s if s.startswith(GUARDED) else s


def check_text_cell(ck, where, run, column, expected, cell, guarded):
    """A CSV or TSV cell (already unquoted/unescaped) against the value it stands for."""
    ck.checked += 1
    if expected is MISSING:
        if cell != "":
            ck.fail(where, run, column, "", cell)
    elif isinstance(expected, str):
        want = guard(expected) if guarded else expected
        if cell != want:
            ck.fail(where, run, column, want, cell)
    elif isinstance(expected, bool):
        if cell != ("true" if expected else "false"):
            ck.fail(where, run, column, "true" if expected else "false", cell)
    elif isinstance(expected, int):
        try:
            got = int(cell)
        except ValueError:
            got = None
        if got != expected:
            ck.fail(where, run, column, expected, cell)
    else:
        if math.isnan(expected) and cell != "NaN":
            ck.fail(where, run, column, "NaN", cell)
            return
        try:
            got = float(cell)
        except ValueError:
            ck.fail(where, run, column, expected, cell)
            return
        if not same_float(got, expected):
            ck.fail(where, run, column, expected, cell)


def check_header(ck, where, header, expected_columns, guarded):
    want = ["id"] + [guard(c) if guarded else c for c in expected_columns]
    if len(set(header)) != len(header):
        ck.note(where, f"duplicate headers in {header!r}")
    if sorted(header) != sorted(want) or header[0] != "id":
        ck.note(where, f"headers: expected {sorted(want)!r}, got {sorted(header)!r}")


def read_csv_rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = list(reader)
    return header, rows


def unescape_tsv(ck, where, s):
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c == "\\":
            nxt = s[i + 1:i + 2]
            mapped = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}.get(nxt)
            if mapped is None:
                ck.note(where, f"unknown escape \\{nxt} in cell {s!r}")
                mapped = nxt
            out.append(mapped)
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def read_tsv_rows(ck, where, path):
    data = Path(path).read_bytes().decode("utf-8")
    if not data.endswith("\n"):
        ck.note(where, "the file does not end with a line break")
    lines = data[:-1].split("\n") if data.endswith("\n") else data.split("\n")
    if any("\r" in line for line in lines):
        ck.note(where, "a raw CR in a TSV line (should be escaped as \\r)")
    table = [[unescape_tsv(ck, where, cell) for cell in line.split("\t")] for line in lines]
    return table[0], table[1:]


def check_delimited(ck, where, header, rows, expected, guarded):
    columns = sorted({k for values in expected.values() for k in values})
    check_header(ck, where, header, columns, guarded)
    seen = set()
    for row in rows:
        if len(row) != len(header):
            ck.note(where, f"a row of {len(row)} cells under {len(header)} headers: {row!r}")
            continue
        run = row[0]
        if run not in expected:
            ck.note(where, f"unexpected run {run!r}")
            continue
        if run in seen:
            ck.note(where, f"run {run!r} twice")
        seen.add(run)
        cells = dict(zip(header, row))
        for column in columns:
            head = guard(column) if guarded else column
            if head not in cells:
                continue  # reported with the headers
            check_text_cell(ck, where, run, column, expected[run].get(column, MISSING),
                            cells[head], guarded)
    for run in set(expected) - seen:
        ck.note(where, f"run {run!r} is not in the file")


def check_csv_dictreader(ck, where, path, expected, guarded):
    """The same through csv.DictReader, as the issue asks."""
    with open(path, newline="", encoding="utf-8") as f:
        records = list(csv.DictReader(f))
    if len(records) != len(expected):
        ck.note(where, f"DictReader read {len(records)} records, expected {len(expected)}")
    for rec in records:
        run = rec.get("id")
        for column, value in expected.get(run, {}).items():
            head = guard(column) if guarded else column
            check_text_cell(ck, where + " (DictReader)", run, column, value,
                            rec.get(head, "<no such column>"), guarded)


def json_expected(value):
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    if isinstance(value, float) and math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return float(value) if isinstance(value, float) else value


def check_json_value(ck, where, run, column, expected, got):
    ck.checked += 1
    want = json_expected(expected)
    if type(got) is not type(want):
        ck.fail(where, run, column, f"{want!r} ({type(want).__name__})",
                f"{got!r} ({type(got).__name__})")
    elif isinstance(want, float):
        if not same_float(got, want):
            ck.fail(where, run, column, want, got)
    elif got != want:
        ck.fail(where, run, column, want, got)


def check_json(ck, where, path, expected):
    with open(path, encoding="utf-8") as f:
        # parse_constant: a bare NaN or Infinity is not JSON; refuse it.
        records = json.load(f, parse_constant=lambda c: ck.note(where, f"bare {c} in the JSON"))
    if not isinstance(records, list):
        ck.note(where, f"top level is {type(records).__name__}, expected a list")
        return
    seen = set()
    for rec in records:
        run = rec.get("id")
        if run not in expected:
            ck.note(where, f"unexpected record {rec!r}")
            continue
        seen.add(run)
        for column, value in expected[run].items():
            if value is MISSING:
                ck.checked += 1
                if column in rec:
                    ck.fail(where, run, column, "<absent>", rec[column])
            elif column not in rec:
                ck.fail(where, run, column, json_expected(value), "<absent>")
            else:
                check_json_value(ck, where, run, column, value, rec[column])
        extra = set(rec) - set(expected[run]) - {"id"}
        if extra:
            ck.note(where, f"run {run!r}: unexpected keys {sorted(extra)!r}")
    for run in set(expected) - seen:
        ck.note(where, f"run {run!r} is not in the file")


# ---------------------------------------------------------------------------------------------
# pandas
# ---------------------------------------------------------------------------------------------


def check_pandas_csv(ck, where, path, expected):
    # Every cell as the string it holds: nothing read as NaN, no type guessing.
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False,
                        encoding="utf-8")
    for _, row in frame.iterrows():
        run = row["id"]
        for column, value in expected.get(run, {}).items():
            cell = row.get(column, "<no such column>")
            check_text_cell(ck, where + " (pandas, as strings)", run, column, value, cell, False)
    if len(frame) != len(expected):
        ck.note(where, f"pandas read {len(frame)} rows, expected {len(expected)}")
    # Typed: the columns of numbers only, with pandas' own NA handling (an empty cell and NaN
    # both read as NaN) and exact float parsing.
    numeric = [c for c in frame.columns
               if c != "id" and all(not isinstance(v.get(c, MISSING), str)
                                    for v in expected.values())]
    typed = pd.read_csv(path, usecols=["id"] + numeric, float_precision="round_trip",
                        encoding="utf-8")
    for _, row in typed.iterrows():
        run = row["id"]
        for column in numeric:
            value = expected[run].get(column, MISSING)
            got = row[column]
            ck.checked += 1
            kinds = {type(v.get(column)) for v in expected.values()
                     if v.get(column, MISSING) is not MISSING}
            if kinds == {bool}:
                if value is MISSING or bool(got) != value:
                    ck.fail(where + " (pandas, typed)", run, column, value, got)
                continue
            want = NAN if value is MISSING else value
            if kinds == {int}:
                if value is MISSING or int(got) != want or typed[column].dtype.kind != "i":
                    ck.fail(where + " (pandas, typed)", run, column,
                            f"{want!r} (int64)", f"{got!r} ({typed[column].dtype})")
            elif not same_float(float(got), float(want)):
                ck.fail(where + " (pandas, typed)", run, column, want, got)


def check_pandas_json(ck, where, path, expected):
    frame = pd.read_json(path, orient="records", precise_float=True, dtype=False,
                         convert_dates=False, keep_default_dates=False)
    if len(frame) != len(expected):
        ck.note(where, f"pandas read {len(frame)} records, expected {len(expected)}")
    for _, row in frame.iterrows():
        run = row["id"]
        for column, value in expected.get(run, {}).items():
            got = row.get(column, "<no such column>")
            ck.checked += 1
            if value is MISSING:
                if not (isinstance(got, float) and math.isnan(got)):
                    ck.fail(where + " (pandas)", run, column, "NaN (absent)", got)
                continue
            want = json_expected(value)
            if isinstance(want, bool):
                ok = isinstance(got, (bool, type(pd.NA))) and got == want
            elif isinstance(want, str):
                ok = got == want
            elif isinstance(got, (str, bool)):
                ok = False
            elif isinstance(want, int) and not isinstance(want, bool):
                # A column with an absent value holds floats; compare where a double is exact.
                ok = float(got) == want if abs(want) <= 2**53 else int(got) == want
            else:
                ok = same_float(float(got), want)
            if not ok:
                ck.fail(where + " (pandas)", run, column, want, got)


# ---------------------------------------------------------------------------------------------
# Grouped output
# ---------------------------------------------------------------------------------------------


def exact_mean(xs):
    if any(math.isinf(x) for x in xs):
        return math.fsum(xs) / len(xs)
    return float(sum(Fraction(x) for x in xs) / len(xs)) if xs else NAN


def exact_std(xs):
    """Sample standard deviation (n - 1); NaN below two numbers or with an infinity."""
    if len(xs) < 2 or any(math.isinf(x) for x in xs):
        return NAN
    return statistics.stdev(xs)  # exact rationals inside


def group_reference():
    """{group value or None: {(metric, agg): value, 'runs': n, (metric, 'nan'): n}}."""
    ref = {}
    for run, (grp, metrics) in GROUPS.items():
        ref.setdefault(None if grp is MISSING else grp, []).append(metrics)
    out = {}
    for grp, members in ref.items():
        stats = {"runs": len(members)}
        for m in GROUP_METRICS:
            values = [r[m] for r in members if m in r]
            numbers = [float(v) for v in values if not math.isnan(v)]
            stats[(m, "mean")] = exact_mean(numbers)
            stats[(m, "std")] = exact_std(numbers)
            stats[(m, "count")] = len(numbers)
            stats[(m, "nan")] = len(values) - len(numbers)
        out[grp] = stats
    return out


def pandas_group_reference():
    rows = [{"grp": None if grp is MISSING else grp,
             **{m: float(metrics[m]) if m in metrics else NAN for m in GROUP_METRICS}}
            for grp, metrics in GROUPS.values()]
    frame = pd.DataFrame(rows)
    out = {}
    for grp, sub in frame.groupby("grp", dropna=False):
        key = None if isinstance(grp, float) and math.isnan(grp) else grp
        stats = {"runs": len(sub)}
        for m in GROUP_METRICS:
            series = sub[m].dropna()
            stats[(m, "mean")] = float(series.mean()) if len(series) else NAN
            stats[(m, "std")] = float(series.std(ddof=1)) if len(series) > 1 else NAN
            stats[(m, "count")] = int(series.count())
        out[key] = stats
    # The groupby path itself, compared with Series.mean above (pandas-dev/pandas#50367).
    agg = frame.groupby("grp", dropna=False)[GROUP_METRICS].agg(["mean", "std", "count"])
    for grp, row in agg.iterrows():
        key = None if isinstance(grp, float) and math.isnan(grp) else grp
        for m in GROUP_METRICS:
            for a in ("std", "count"):
                out[key][(m, a)] = float(row[(m, a)]) if a == "std" else int(row[(m, a)])
            if not math.isinf(out[key][(m, "mean")]):
                out[key][(m, "mean")] = float(row[(m, "mean")])
    return out


def check_group_stats(ck, where, group, stats, reference, source):
    for name, want in reference.items():
        column = name if name == "runs" else f"{name[0]} {name[1]}"
        got = stats.get(column, "<absent>")
        ck.checked += 1
        if isinstance(want, int):
            if not isinstance(got, int) or got != want:
                ck.fail(f"{where} vs {source}", ("group", group), column, want, got)
        elif not isinstance(got, float) or not close(got, want):
            ck.fail(f"{where} vs {source}", ("group", group), column, want, got)


def grouped_csv(ck, where, path):
    groups = {}
    with open(path, newline="", encoding="utf-8") as f:
        for rec in csv.DictReader(f):
            grp = rec.pop("grp", None)
            # The formula guard: strings starting with = + - @ carry a leading quote.
            key = None if grp == "" else grp
            if key is not None and key.startswith("'") and key[1:].startswith(GUARDED):
                key = key[1:]
            elif key is not None and key.startswith(GUARDED):
                ck.note(where, f"group value {grp!r} starts with {grp[0]!r} but is not guarded")
            stats = {}
            for column, cell in rec.items():
                if column == "runs" or column.endswith((" count", " nan")):
                    stats[column] = int(cell)
                else:
                    stats[column] = float(cell)
            if key in groups:
                ck.note(where, f"group {key!r} twice")
            groups[key] = stats
    return groups


def grouped_json(ck, where, path):
    groups = {}
    with open(path, encoding="utf-8") as f:
        records = json.load(f)
    for rec in records:
        key = rec.pop("grp", None)
        stats = {}
        for column, value in rec.items():
            if isinstance(value, str):
                value = {"NaN": NAN, "Infinity": INF, "-Infinity": -INF}.get(value, value)
            elif isinstance(value, int) and not column.endswith((" count", " nan")) \
                    and column != "runs":
                value = float(value)  # a mean that is whole may be written as an integer
            stats[column] = value
        if key in groups:
            ck.note(where, f"group {key!r} twice")
        groups[key] = stats
    return groups


def check_grouped(ck, where, groups, references):
    for source, reference in references.items():
        if set(groups) != set(reference):
            ck.note(where, f"groups: expected {sorted(reference, key=str)!r}, "
                           f"got {sorted(groups, key=str)!r} ({source})")
        for grp, stats in reference.items():
            if grp in groups:
                check_group_stats(ck, where, grp, groups[grp], stats, source)


# ---------------------------------------------------------------------------------------------


def guarded_call(ck, where, check, *args):
    """Runs a check; a reader that raises (pandas refusing the file) is a failure, not a crash."""
    try:
        check(*args)
    except Exception as e:  # noqa: BLE001 - any exception is the finding
        ck.note(where, f"{check.__name__} raised {type(e).__name__}: {e}")


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    binary = sys.argv[1]
    ck = Checker()
    skipped = []
    with tempfile.TemporaryDirectory(prefix="runlens-roundtrip-") as tmp:
        tmp = Path(tmp)
        flat, big, grouped = tmp / "flat", tmp / "big", tmp / "grouped"
        expected_flat = flat_fixture(flat)
        expected_big = big_fixture(big)
        group_fixture(grouped)
        env = dict(os.environ, XDG_CACHE_HOME=str(tmp / "cache"))

        def export(folder, name, *args):
            out = tmp / name
            try:
                r = subprocess.run([binary, "table", str(folder), *args, "-o", str(out), "-q",
                                    "--no-cache"], env=env, capture_output=True, text=True,
                                   timeout=120)
            except (OSError, subprocess.TimeoutExpired) as e:
                ck.note(name, f"cannot run {binary}: {e}")
                return None
            if r.returncode != 0 or not out.exists():
                ck.note(name, f"runlens exited {r.returncode}: {r.stderr.strip()}")
                return None
            return out

        for folder, expected, label in ((flat, expected_flat, "flat"), (big, expected_big, "big")):
            for fmt, raw in (("csv", True), ("csv", False), ("tsv", True), ("tsv", False)):
                name = f"{label}{'_raw' if raw else ''}.{fmt}"
                path = export(folder, name, "--format", fmt,
                              *(["--no-formula-guard"] if raw else []))
                if path is None:
                    continue
                if fmt == "csv":
                    header, rows = read_csv_rows(path)
                    check_csv_dictreader(ck, name, path, expected, not raw)
                else:
                    header, rows = read_tsv_rows(ck, name, path)
                check_delimited(ck, name, header, rows, expected, not raw)
                if pd is not None and fmt == "csv" and raw and label == "flat":
                    guarded_call(ck, name, check_pandas_csv, ck, name, path, expected)
            path = export(folder, f"{label}.json", "--format", "json")
            if path is not None:
                check_json(ck, f"{label}.json", path, expected)
                if pd is not None and label == "flat":
                    guarded_call(ck, f"{label}.json", check_pandas_json, ck, f"{label}.json",
                                 path, expected)

        references = {"Python": group_reference()}
        if pd is not None:
            references["pandas " + pd.__version__] = pandas_group_reference()
        else:
            skipped.append(f"pandas checks ({PANDAS_MISSING})")
        group_args = ["--group-by", "grp", "--metrics", ",".join(GROUP_METRICS),
                      "--agg", ",".join(GROUP_AGGS)]
        path = export(grouped, "grouped.csv", *group_args, "--format", "csv")
        if path is not None:
            check_grouped(ck, "grouped.csv", grouped_csv(ck, "grouped.csv", path), references)
        path = export(grouped, "grouped.json", *group_args, "--format", "json")
        if path is not None:
            check_grouped(ck, "grouped.json", grouped_json(ck, "grouped.json", path), references)

    # Guard against a vacuous pass (a reader that read nothing).
    cells = len(RUNS) * (len(STRINGS) + len(METRIC_STRINGS) + 2 * len(NUMBERS))
    if ck.checked < 8 * cells:
        ck.note("all", f"too little compared: {ck.checked} values")
    for s in skipped:
        print("SKIP:", s)
    for p in ck.problems:
        print("FAIL:", p)
    print(f"{ck.checked} values read back from CSV, TSV and JSON exports"
          f"{'' if pd is None else ' (and pandas ' + pd.__version__ + ')'}: "
          f"{'ok' if not ck.problems else f'{len(ck.problems)} difference(s)'}")
    return 1 if ck.problems else 0


if __name__ == "__main__":
    sys.exit(main())
