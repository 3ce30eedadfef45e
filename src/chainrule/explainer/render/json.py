"""The JSON rendering and its reader: the same steps and numbers, both ways.

Schema (``"schema": "chainrule.explain/1"``)::

    {
      "schema": "chainrule.explain/1",
      "title": str, "description": str,
      "notation": "welch" | "bracket",
      "convention": "row" | "column",
      "update_biases": true | false,
      "learning_rate": float | null,
      "network": {"sizes": [int], "activation": [str], "loss": str,
                  "bias": [bool], "l2": float, "dtype": str, ...},
      "steps": [
        {"symbol": str, "phase": str, "name": str, "name_latex": str,
         "formula": str, "formula_latex": str,
         "substitution": str, "substitution_latex": str,
         "shape": [int], "value": float | [[float]], "uses": [str],
         "note": str,
         "details": [{"kind": str, "text": str, "latex": str,
                      "index": [int], "factors": [[float]],
                      "value": float | null}]}
      ],
      "chain": null | {
        "mapping": str, "mapping_latex": str,
        "table_title": str, "rule_title": str,
        "rows": [{"function", "function_latex", "derivative",
                  "derivative_latex", "symbol": str, "value": float}],
        "products": [{"target": str, "links": [{"name", "name_latex",
                      "product", "product_latex", "symbol": str,
                      "value": float}]}]
      }
    }

``value`` is a float for the cost (``shape`` ``[]``) and a list of rows
otherwise. Floats are written with Python's shortest round-trip ``repr``,
so reading them back gives the same numbers bit for bit.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, fields

import numpy as np

from chainrule.errors import DataFileError
from chainrule.explainer.model.chain import (
    RULE_TITLE,
    TABLE_TITLE,
    ChainLink,
    ChainRow,
    ScalarChain,
)
from chainrule.explainer.model.step import Detail, Step

SCHEMA = "chainrule.explain/1"
WORKSHEET_SCHEMA = "chainrule.worksheet/1"
DERIVATION_SCHEMA = "chainrule.derive/1"


def _value(v):
    """A step's value for JSON: a hidden value (NaN, a quiz's blank) is ``null``,
    as JSON has no NaN."""
    if isinstance(v, float):
        return None if math.isnan(v) else v
    a = np.asarray(v)
    if np.isnan(a).any():
        return np.where(np.isnan(a), None, a).tolist()
    return a.tolist()


def _step(s: Step) -> dict:
    d = asdict(s)
    d["shape"] = list(s.shape)
    d["uses"] = list(s.uses)
    d["value"] = _value(s.value)
    return d


def to_json(ex) -> str:
    """The explanation as a JSON document (see the module's schema)."""
    chain = None
    if ex.scalar_chain is not None:
        chain = {
            "mapping": ex.scalar_chain.mapping,
            "mapping_latex": ex.scalar_chain.mapping_latex,
            "table_title": ex.scalar_chain.table_title,
            "rule_title": ex.scalar_chain.rule_title,
            "rows": [asdict(r) for r in ex.scalar_chain.rows],
            "products": [
                {"target": t, "links": [asdict(k) for k in links]}
                for t, links in ex.scalar_chain.products
            ],
        }
    doc = {
        "schema": SCHEMA,
        "title": ex.title,
        "description": ex.description,
        "notation": ex.notation,
        "convention": ex.convention,
        "update_biases": ex.update_biases,
        "learning_rate": ex.learning_rate,
        "network": ex.network,
        "steps": [_step(s) for s in ex.steps],
        "chain": chain,
    }
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def _read_detail(d: dict) -> Detail:
    return Detail(
        **{
            **d,
            "index": tuple(d["index"]),
            "factors": tuple(tuple(f) for f in d["factors"]),
        }
    )


_STEP_FIELDS = {f.name: f for f in fields(Step)}


def _read_step(d: dict, dtype: str) -> Step:
    names = set(_STEP_FIELDS)
    d = {"details": [], **d}  # files written before details existed
    if set(d) != names:
        raise DataFileError(
            f"steps: expected the keys {sorted(names)}, got {sorted(d)}"
        )
    text = [k for k, f in _STEP_FIELDS.items() if f.type in ("str", str)]
    for k in text:
        if not isinstance(d[k], str):
            raise DataFileError(f"steps: {k!r} is not a string: {d[k]!r:.60}")
    if not all(isinstance(u, str) for u in d["uses"]):
        raise DataFileError(
            f"steps: 'uses' is not a list of strings: {d['uses']!r:.60}"
        )
    value = d["value"]  # null: a hidden value (NaN)
    if d["shape"] == []:
        value = math.nan if value is None else float(value)
    else:
        value = np.array(value, dtype=dtype).reshape(d["shape"])
    return Step(
        **{
            **d,
            "shape": tuple(d["shape"]),
            "uses": tuple(d["uses"]),
            "value": value,
            "details": tuple(_read_detail(x) for x in d["details"]),
        }
    )


def read_json(text: str) -> dict:
    """Read :func:`to_json`'s output: the arguments of an ``Explanation``.

    ``Explanation(**read_json(text))`` is the explanation again
    (:meth:`chainrule.explainer.Explanation.from_json`); this module does not
    import the class, so that the two modules form no import cycle.

    Raises
    ------
    DataFileError
        Not JSON, or not this schema.
    """
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataFileError(f"explanation JSON: {exc}") from None
    except RecursionError:
        raise DataFileError(
            "explanation JSON: nested too deeply (arrays or objects inside "
            "each other beyond Python's recursion limit)"
        ) from None
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        got = doc.get("schema") if isinstance(doc, dict) else type(doc).__name__
        raise DataFileError(f"schema: expected {SCHEMA!r}, got {got!r:.80}")
    try:
        return _arguments(doc)
    except DataFileError:
        raise
    except (KeyError, TypeError, AttributeError, ValueError, IndexError) as exc:
        # a field missing or of another type: not a file to_json wrote
        what = f"no field {exc}" if isinstance(exc, KeyError) else str(exc)
        raise DataFileError(
            f"explanation JSON: not the layout of {SCHEMA!r} ({what:.200})"
        ) from None
    except RecursionError:
        raise DataFileError("explanation JSON: a value nested too deeply") from None


def _arguments(doc: dict) -> dict:
    """The arguments of an ``Explanation`` from a parsed document."""
    dtype = doc["network"].get("dtype", "float64")
    chain = None
    if doc["chain"] is not None:
        c = doc["chain"]
        chain = ScalarChain(
            tuple(ChainRow(**r) for r in c["rows"]),
            tuple(
                (p["target"], tuple(ChainLink(**k) for k in p["links"]))
                for p in c["products"]
            ),
            c["mapping"],
            c["mapping_latex"],
            # files written before the headings were data: the generic ones
            c.get("table_title", TABLE_TITLE),
            c.get("rule_title", RULE_TITLE),
        )
    return {
        "steps": [_read_step(d, dtype) for d in doc["steps"]],
        "notation": doc["notation"],
        "learning_rate": doc["learning_rate"],
        "network": doc["network"],
        "title": doc["title"],
        "description": doc["description"],
        "chain": chain,
        "convention": doc.get("convention", "row"),
        "update_biases": doc.get("update_biases", True),
    }


# ------------------------------------------------------------- worksheets
def _jsonable(x):
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, (np.floating, np.integer)):
        return x.item()
    if isinstance(x, dict):
        return {k: _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    return x


def worksheet_to_json(ws) -> str:
    """The worksheet as JSON (``"schema": "chainrule.worksheet/1"``)."""
    doc = {
        "schema": WORKSHEET_SCHEMA,
        "name": ws.name,
        "title": ws.title,
        "source": ws.source,
        "description": ws.description,
        "choices": list(ws.choices),
        "questions": [
            {"number": q.number, "text": q.text, "parts": [asdict(p) for p in q.parts]}
            for q in ws.questions
        ],
        "errata": [asdict(e) for e in ws.errata],
    }
    return json.dumps(_jsonable(doc), ensure_ascii=False, indent=1) + "\n"


# ------------------------------------------------- symbolic derivations
def derivation_to_json(d) -> str:
    """A symbolic derivation as JSON (``"schema": "chainrule.derive/1"``)."""
    from chainrule.explainer.render.symbols import grid

    pretty = d.built.pretty
    steps = []
    for s in d.steps:
        shape = (1, 1) if s.symbol == "J" else s.shape
        steps.append(
            {
                "symbol": s.symbol,
                "phase": s.phase,
                "formula": s.formula,
                "formula_latex": s.formula_latex,
                "shape": list(s.shape),
                "note": s.note,
                "element": grid(s.local, shape, pretty),
                "base": grid(s.base, shape, pretty, small_only=True),
                "checks": [c.__dict__ for c in s.checks],
            }
        )
    doc = {
        "schema": DERIVATION_SCHEMA,
        "title": d.title,
        "notation": d.notation,
        "convention": d.convention,
        "network": d.network,
        "ok": d.ok,
        "symbols": {
            k: [[str(v) for v in row] for row in m.tolist()]
            for k, m in d.symbols.items()
        },
        "steps": steps,
    }
    return json.dumps(doc, ensure_ascii=False, indent=1)
