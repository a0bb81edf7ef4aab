"""MATLAB shallow networks -> bpnn estimators: ``genFunction`` files and ``.mat`` structs.

Two sources, one model:

* a ``.m`` file that ``genFunction(net, ...)`` wrote (flat constants ``x1_step1_xoffset``
  or the struct form ``x1_step1.xoffset``, with or without ``'MatrixOnly','yes'``, static
  or NARX/NAR with ``Xi``/``Ai`` delay states). The file is read as text: the constant
  assignments give the numbers, and the statements of the simulation are matched against
  the shapes genFunction writes (which ``*_apply`` runs on what, which weights multiply
  which tap delays) to learn the structure. Nothing is evaluated; the cell-array and
  delay-state bookkeeping is recognised and skipped, and any other statement stops the
  import with one line naming it;
* a ``.mat`` file holding the plain struct that the MATLAB snippet of docs/matlab.md
  ("Bring a trained network") saves: the same names (``IW1_1``, ``b1``, ``x1_step2_gain``
  ...) plus the transfer functions, delays and processing-function names. v7 files are
  read by SciPy, v7.3 (HDF5) files by h5py (``pip install "bpnn[matlab]"``).

Both give a ``_Spec`` (layers with their weight terms, each input's processing steps, the
output's), and one builder turns it into a fitted estimator. MATLAB's maps are kept in
MATLAB's own order (see :mod:`bpnn.preprocessing`, ``center_``)::

    mapminmax_apply:   y = (x - xoffset) .* gain + ymin
    mapstd_apply:      y = (x - xoffset) .* gain + ymean
    removeconstantrows_apply: y = x(keep, :)
    mapminmax_reverse: x = (y - ymin) ./ gain + xoffset

MATLAB holds samples as columns and bpnn as rows, so a layer's ``IWk_j`` / ``LWk_j`` is
bpnn's ``W`` (n_out, n_in) as it stands: ``a = f(b + W x)`` per column is
``a = f(x @ W.T + b)`` per row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .._typing import PathLike

__all__ = ["import_matlab", "TRANSFER_FUNCTIONS", "PROCESS_FUNCTIONS"]

#: MATLAB transfer functions read, with the bpnn activation each becomes
TRANSFER_FUNCTIONS = {
    "tansig": "tansig",  # 2 ./ (1 + exp(-2n)) - 1 = tanh(n)
    "logsig": "logsig",
    "purelin": "purelin",
    "poslin": "poslin",
    "satlin": "satlin",
    "hardlim": "hardlim",
    "softmax": "softmax",
}
#: MATLAB processing functions read (inputs; outputs take mapminmax / mapstd and a
#: removeconstantrows that removes nothing)
PROCESS_FUNCTIONS = ("removeconstantrows", "mapminmax", "mapstd")
_SNIPPET = "docs/matlab.md, 'Bring a trained network'"


# -- what a MATLAB network is, whichever file it came from ---------------------------------
@dataclass
class _Step:
    """One processing function and its settings (``x1_step2`` -> fn "mapminmax")."""

    fn: str
    settings: dict[str, np.ndarray]
    label: str


@dataclass
class _Term:
    """One weight matrix feeding a layer: from input j or layer j, at these delays."""

    name: str  # "IW1_1", "LW2_1"
    source: str  # "input" or "layer"
    index: int  # 1-based, MATLAB's
    delays: tuple[int, ...]
    W: np.ndarray


@dataclass
class _Layer:
    bias: np.ndarray
    transfer: str
    terms: list[_Term] = field(default_factory=list)


@dataclass
class _Spec:
    source: str
    layers: dict[int, _Layer] = field(default_factory=dict)
    inputs: dict[int, list[_Step]] = field(default_factory=dict)
    input_sizes: dict[int, int] = field(default_factory=dict)
    output_steps: list[_Step] = field(default_factory=list)  # forward order
    output_layer: int = 0
    feedback_inputs: set[int] | None = None  # None: not said (genFunction files)
    train_fcn: str | None = None  # net.trainFcn, when the export says


def _fail(spec_or_source, message) -> NoReturn:
    source = spec_or_source.source if isinstance(spec_or_source, _Spec) else spec_or_source
    raise ValueError(f"{source}: {message}")


# -- the public function --------------------------------------------------------------------
def import_matlab(
    path: PathLike,
    *,
    task: str = "auto",
    feature_names: Sequence[str] | None = None,
    target_names: Sequence[str] | None = None,
    classes: Sequence[Any] | None = None,
    feedback: str = "auto",
) -> Any:
    """A trained MATLAB shallow network as a fitted bpnn estimator.

    Parameters
    ----------
    path : str or path-like
        A ``.m`` file written by ``genFunction(net, ...)``, or a ``.mat`` file holding the
        struct that the snippet in docs/matlab.md saves (v7 or v7.3).
    task : "auto", "regression" or "classification"
        "auto": a ``softmax`` output layer is a classifier (``patternnet``), anything
        else a regressor (``fitnet``, ``feedforwardnet``). Dynamic networks are always
        forecasters.
    feature_names, target_names : sequence of str, optional
        Names of the input and target columns (MATLAB files have none): a model with
        ``feature_names`` takes DataFrames with those columns.
    classes : sequence, optional
        Class labels in the order of the network's output rows (MATLAB's target rows);
        default ``0 .. K-1``.
    feedback : "auto", "last" or "none"
        For an open-loop dynamic network from a genFunction file: whether its last input
        is the fed-back target (narxnet / narnet: "last") or all inputs are exogenous
        (timedelaynet: "none"). "auto" takes the last input as the feedback when it is
        processed exactly as the output is. A ``.mat`` export says so itself.

    Returns
    -------
    BPRegressor, BPClassifier or BPForecaster
        Fitted: ``predict`` gives the MATLAB function's outputs (rows are samples). The
        imported parts are ``network_``, ``input_map_`` (MATLAB's input processing) and
        ``target_map_`` or ``classes_``; ``record_`` is None (it was trained elsewhere)
        and ``algorithm_`` is ``"imported"``.

    Raises
    ------
    ValueError
        One line naming what could not be read: the line of the ``.m`` file, a
        processing or transfer function bpnn does not have, a ``.mat`` file holding a
        MATLAB ``network`` object instead of the exported struct.
    """
    p = Path(path)
    if task not in ("auto", "regression", "classification"):
        raise ValueError(f"task must be 'auto', 'regression' or 'classification', got {task!r}")
    if feedback not in ("auto", "last", "none"):
        raise ValueError(f"feedback must be 'auto', 'last' or 'none', got {feedback!r}")
    if not p.is_file():
        raise ValueError(f"MATLAB file not found: {str(p)!r}")
    suffix = p.suffix.lower()
    if suffix == ".m":
        spec = parse_genfunction(_read_text(p), p.name)
    elif suffix == ".mat":
        spec = _spec_from_mat(_read_mat(p), p.name)
    else:
        raise ValueError(
            f"{str(p)!r}: expected a genFunction .m file or a .mat export, got "
            f"{suffix or 'no suffix'!r}"
        )
    return _build(spec, task, feature_names, target_names, classes, feedback)


def _read_text(p):
    data = p.read_bytes()
    for enc in ("utf-8", "latin-1"):  # MATLAB writes ASCII; comments may be in a locale's
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


# -- genFunction files: statements ------------------------------------------------------------
_OPEN, _CLOSE = "([{", ")]}"


def _starts_string(prev):
    """A quote opens a string unless it follows a value (then it is MATLAB's transpose)."""
    return not (prev.isalnum() or prev in "_)]}'.\"")


def _code_part(line):
    """``(code, continued)``: the line without its comment; ``continued`` when it ends in
    MATLAB's ``...`` continuation (the rest of that line is a comment too)."""
    if not any(c in line for c in "%'\"") and "..." not in line:
        return line, False  # most lines: numbers and names only
    out, quote, prev = [], None, " "
    i = 0
    while i < len(line):
        c = line[i]
        if quote:
            out.append(c)
            if c == quote:
                quote = None
        elif c in "'\"" and (c == '"' or _starts_string(prev)):
            quote = c
            out.append(c)
        elif c == "%":
            break
        elif line.startswith("...", i):
            return "".join(out), True
        else:
            out.append(c)
        if not c.isspace():
            prev = c
        i += 1
    return "".join(out), False


_SPECIAL = "[](){};,'\""
_CHUNK = re.compile(r"[^\[\](){};,'\"]+|.")


def _statements(text, source):
    """The file as ``[(line number, statement)]``: comments dropped, continuations joined,
    several statements on a line split at the ``;`` / ``,`` outside brackets, and a newline
    inside ``[...]`` read as a row break, as MATLAB does."""
    out: list[tuple[int, str]] = []
    buf: list[str] = []
    stack: list[str] = []
    start = 0
    block = False  # inside a %{ ... %} block comment

    def flush():
        s = "".join(buf).strip()
        if s:
            out.append((start, s))
        buf.clear()

    for no, raw in enumerate(text.splitlines(), 1):
        if raw.strip() == "%{" and not stack and not buf:
            block = True
            continue
        if block:
            block = raw.strip() != "%}"
            continue
        code, continued = _code_part(raw)
        quote = None
        prev = " "
        for c in _CHUNK.findall(code):  # runs of ordinary characters go in whole
            if len(c) > 1 or c not in _SPECIAL:
                if not buf:
                    c = c.lstrip()
                    if not c:
                        continue
                    start = no
                buf.append(c)
                prev = c.rstrip()[-1:] or prev
                continue
            if not buf:
                if c.isspace():
                    continue  # a statement starts at its first character
                start = no
            if quote:
                buf.append(c)
                quote = None if c == quote else quote
            elif c in "'\"" and (c == '"' or _starts_string(prev)):
                quote = c
                buf.append(c)
            elif c in _OPEN:
                stack.append(c)
                buf.append(c)
            elif c in _CLOSE:
                if not stack or _OPEN.index(stack.pop()) != _CLOSE.index(c):
                    _fail(source, f"line {no}: unbalanced {c!r} in {raw.strip()!r:.100}")
                buf.append(c)
            elif c in ";," and not stack:
                flush()
            else:
                buf.append(c)
            if not c.isspace():
                prev = c
        if continued:
            buf.append(" ")
        elif stack:
            buf.append(";" if stack[-1] in "[{" else " ")
        else:
            flush()
    if stack:
        _fail(source, f"line {start}: the file ends inside an open {stack[-1]!r}")
    flush()
    return out


# -- genFunction files: constants ------------------------------------------------------------
_NUMBER = re.compile(r"[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|Inf|inf|NaN|nan)")
_ASSIGN = re.compile(r"([A-Za-z]\w*(?:\.[A-Za-z]\w*)?)\s*=\s*(.+)")


def _literal(rhs):
    """A numeric literal (a number or ``[a b; c d]``) as a 2-D array, else None."""
    rhs = rhs.strip()
    if rhs.startswith("[") and rhs.endswith("]"):
        body = rhs[1:-1]
    elif _NUMBER.fullmatch(rhs):
        body = rhs
    else:
        return None
    rows = []
    for row in body.split(";"):
        tokens = [t for t in re.split(r"[\s,]+", row.strip()) if t]
        if not tokens:
            continue
        if not all(_NUMBER.fullmatch(t) for t in tokens):
            return None
        rows.append([float(t) for t in tokens])
    if not rows:
        return np.zeros((0, 0))
    if len({len(r) for r in rows}) != 1:
        return None
    return np.array(rows, dtype=np.float64)


# -- genFunction files: the simulation's statements ------------------------------------------
# a value: a name, a cell element X{1,ts} / Xd1{xdts}, or a column x1(:,ts) / ad2(:,adts)
_SRC = r"[A-Za-z]\w*(?:\s*\{[^{}]*\}|\s*\(\s*:\s*,\s*\w+\s*\))?"
_PROCESS = re.compile(
    rf"(?P<lhs>{_SRC})\s*=\s*(?P<fn>[a-z]+)_(?P<dir>apply|reverse)\s*\((?P<args>.*)\)"
)
_TRANSFER = re.compile(rf"(?P<lhs>{_SRC})\s*=\s*(?P<fn>[a-z]+)_apply\s*\((?P<arg>.*)\)")
_TAP = re.compile(  # cell form: cat(1,Xd1{mod(xdts-[1 2]-1,3)+1})
    r"(?P<lhs>tapdelay\d+)\s*=\s*cat\(\s*1\s*,\s*(?P<buf>[XA]d\d+)\s*\{\s*mod\(\s*[xa]dts\s*-\s*"
    r"(?P<delays>\[[\d\s,]*\]|\d+)\s*-\s*1\s*,\s*\d+\s*\)\s*\+\s*1\s*\}\s*\)"
)
_TAP_MATRIX = re.compile(  # 'MatrixOnly': reshape(xd1(:,mod(xdts-[1 2]-1,3)+1),4,1)
    r"(?P<lhs>tapdelay\d+)\s*=\s*reshape\(\s*(?P<buf>[xa]d\d+)\s*\(\s*:\s*,\s*mod\(\s*[xa]dts\s*-\s*"
    r"(?P<delays>\[[\d\s,]*\]|\d+)\s*-\s*1\s*,\s*\d+\s*\)\s*\+\s*1\s*\)\s*,\s*\d+\s*,\s*1\s*\)"
)
_WEIGHT = re.compile(
    r"(?P<name>(?P<kind>IW|LW)(?P<to>\d+)_(?P<frm>\d+))\s*\*\s*(?P<src>" + _SRC + ")"
)
_BIAS = re.compile(r"(?:repmat\(\s*)?b(?P<k>\d+)(?:\s*,\s*1\s*,\s*Q\s*\))?")
_SKIP = [
    re.compile(p)
    for p in (
        r"(if|elseif|while|switch|case)\b.*",
        r"(else|end|otherwise)",
        r"for\s+\w+\s*=.*",
        r"error\s*\(.*\)",
        r"(Q|TS|isCellX|xdts|adts|finalxts|xits|xts|finalats|ats)\s*=.*",
        r"(X|Xi|Ai|Xf|Af)\s*(\(.*\))?\s*=.*",
        r"Y\s*=\s*(cell\s*\(.*\)|cell2mat\s*\(\s*Y\s*\))",
        r"[XA]d\d+\s*=.*",  # delay buffers: Xd1 = cell(1,3); Ad1 = [Ai(1,:) cell(1,1)]
        r"[xa]d\d+\s*=\s*\[.*\]",  # 'MatrixOnly' buffers: xd1 = [xd1 zeros(2,1)]
        r"(xf|af)\d+\s*=.*",  # 'MatrixOnly' final delay states
        r"(y\d+|[xa]d\d+)\s*=\s*(zeros|cell)\s*\(.*\)",  # allocations
        # x1 = x1'; y1 = y1'; X{1,ts} = X{1,ts}': samples as rows (spaces removed first)
        r"(?P<v>\w+(?:\{[\w,]*\})?)=(?P=v)'",
    )
]
_HEADER = re.compile(
    r"function\s+(?:\[(?P<outs>[^\]]*)\]|(?P<out>\w+))\s*=\s*(?P<name>\w+)\s*(?:\((?P<args>[^)]*)\))?"
)
_WIDTH = re.compile(r"(?:(?P<r>\d+)\s*x\s*Q|Q\s*x\s*(?P<c>\d+))\s+matrix,\s+input\s+#(?P<j>\d+)")


@dataclass
class _Input:
    """A value in the simulation that is MATLAB input j after some processing steps."""

    index: int
    steps: tuple = ()


@dataclass
class _Out:
    """Layer k's output, or MATLAB output i built from it by reverse steps."""

    layer: int
    steps: tuple = ()


@dataclass
class _Tap:
    of: Any  # _Input or _Out
    delays: tuple[int, ...]


class _Reader:
    """Walks the statements of a genFunction file (see the module's notes)."""

    def __init__(self, text, source):
        self.source, self.text = source, text
        self.consts: dict[str, np.ndarray] = {}
        self.env: dict[str, Any] = {}
        self.spec = _Spec(source)
        self.layer_vars: dict[int, list] = {}
        self.outputs: dict[int, _Out] = {}
        self.defined_fns: set[str] = set()
        self.in_module = False

    def fail(self, line, text, why="cannot read") -> NoReturn:
        _fail(self.source, f"line {line}: {why}: {text!r:.120}")

    # 1. the header: the function's outputs and arguments
    def header(self, line, st):
        m = _HEADER.match(st)
        if not m:
            self.fail(line, st, "not a MATLAB function (expected genFunction's header)")
        outs = m["outs"] if m["outs"] is not None else m["out"]
        self.out_names = [o.strip() for o in re.split(r"[\s,]+", outs.strip()) if o.strip()]
        # the network's outputs (y1, y2 ...), not the final delay states xf1, af2
        self.outputs_named = [o for o in self.out_names if re.fullmatch(r"[yY]\d*", o)]
        self.arg_names = [a.strip() for a in (m["args"] or "").split(",") if a.strip()]
        self.cells = "X" in self.arg_names or "Y" in self.out_names
        for hit in _WIDTH.finditer(self.text):  # the help text's "Each X{1,ts} = 4xQ matrix"
            self.spec.input_sizes[int(hit["j"])] = int(hit["r"] or hit["c"])

    def read(self):
        stmts = _statements(self.text, self.source)
        if not stmts:
            _fail(self.source, "the file is empty")
        self.header(*stmts[0])
        body = []
        for line, st in stmts[1:]:
            if re.match(r"function\b", st):  # the module functions: names only
                m = _HEADER.match(st)
                if m:
                    self.defined_fns.add(m["name"])
                self.in_module = True
                continue
            if self.in_module:
                continue
            m = _ASSIGN.fullmatch(st)
            value = _literal(m[2]) if m else None
            if m and value is not None:
                self.consts[m[1]] = value
                continue
            body.append((line, st))
        for line, st in body:
            self.statement(line, st)
        return self.finish(stmts[0][0])

    # 2. one statement of the simulation
    def statement(self, line, st):
        for rule in (self.tap, self.process, self.layer, self.output_copy):
            if rule(line, st):
                return
        if any(p.fullmatch(st) or p.fullmatch(re.sub(r"\s+", "", st)) for p in _SKIP):
            return
        self.fail(line, st)

    def resolve(self, line, st, src):
        src = re.sub(r"\s+", "", src)
        m = re.fullmatch(r"X\{(\d+)(?:,ts)?\}", src)
        if m and self.cells:
            return _Input(int(m[1]))
        base = _base(src)
        if base in self.arg_names and not self.cells:
            if re.fullmatch(r"[xa]i\d+", base):  # 'MatrixOnly' initial states xi1, ai2
                return "initial"
            m = re.fullmatch(r"x(\d+)", base)
            return _Input(int(m[1]) if m else self.arg_names.index(base) + 1)
        if re.fullmatch(r"Xi\{.*\}", src):
            return "initial"
        if base in self.env:
            return self.env[base]
        self.fail(line, st, f"uses {src!r} before it is computed")

    def bind(self, lhs, value):
        lhs = re.sub(r"\s+", "", lhs)
        if re.fullmatch(r"[XA]d\d+\{ts\}", lhs):
            return  # an initial delay state (from Xi / Ai), not the simulation
        self.env[_base(lhs)] = value

    def settings(self, line, st, args):
        """The settings of ``x1_step1`` (struct form) or of ``x1_step1_gain, ...`` (flat)."""
        names = [a.strip() for a in args]
        if len(names) == 1 and not re.search(r"_(gain|xoffset|ymin|ymean|keep)$", names[0]):
            prefix = names[0] + "."
            out = {k[len(prefix) :]: v for k, v in self.consts.items() if k.startswith(prefix)}
            return names[0], out
        out, label = {}, ""
        for n in names:
            m = re.fullmatch(r"(\w+?_step\d+)_(\w+)", n)
            if not m or n not in self.consts:
                self.fail(line, st, f"the settings {n!r} are not among the file's constants")
            out[m[2]], label = self.consts[n], m[1]
        for k, v in self.consts.items():  # x1_step1_remove and the like, not passed
            if k.startswith(label + "_"):
                out.setdefault(k[len(label) + 1 :], v)
        return label, out

    def process(self, line, st):
        m = _PROCESS.fullmatch(st)
        if not m or m["fn"] in TRANSFER_FUNCTIONS:
            return False
        if m["fn"] not in PROCESS_FUNCTIONS:
            if re.search(r"\b(?:IW|LW)\d+_\d+\s*\*", m["args"]):
                return False  # a layer with a transfer function bpnn lacks: layer() says so
            self.fail(
                line,
                st,
                f"processing function {m['fn']} is not supported (bpnn reads "
                f"{', '.join(PROCESS_FUNCTIONS)})",
            )
        src, *args = _split_top(m["args"], ",")
        value = self.resolve(line, st, src)
        if value == "initial":
            return True
        label, settings = self.settings(line, st, args)
        step = _Step(m["fn"], settings, label)
        if m["dir"] == "apply" and isinstance(value, _Input):
            self.bind(m["lhs"], _Input(value.index, (*value.steps, step)))
        elif m["dir"] == "reverse" and isinstance(value, _Out):
            self.bind(m["lhs"], _Out(value.layer, (*value.steps, step)))
            self.output_copy(line, st, m["lhs"], self.env[_base(m["lhs"])])
        else:
            self.fail(line, st, f"{m['fn']}_{m['dir']} applied to an unexpected value")
        return True

    def tap(self, line, st):
        m = _TAP.fullmatch(st) or _TAP_MATRIX.fullmatch(st)
        if not m:
            return False
        delays = tuple(int(d) for d in re.findall(r"\d+", m["delays"]))
        buf = m["buf"]
        # Ad<k> always holds layer k's outputs, read here at earlier time steps: a
        # feedback tap may name it before the layer is computed in the time loop
        value = _Out(int(buf[2:])) if buf[0] in "Aa" else self.resolve(line, st, buf)
        self.env[m["lhs"]] = _Tap(value, delays)
        return True

    def layer(self, line, st):
        m = _TRANSFER.fullmatch(st)
        if m and m["fn"] not in PROCESS_FUNCTIONS:
            if m["fn"] not in TRANSFER_FUNCTIONS:
                self.fail(
                    line,
                    st,
                    f"transfer function {m['fn']} is not supported (bpnn reads "
                    f"{', '.join(TRANSFER_FUNCTIONS)})",
                )
            lhs, body, tf = m["lhs"], m["arg"], m["fn"]
        else:
            a = re.fullmatch(rf"(?P<lhs>{_SRC})\s*=\s*(?P<body>.*\b(?:IW|LW)\d+_\d+\s*\*.*)", st)
            if not a:
                return False
            lhs, body, tf = a["lhs"], a["body"], "purelin"
        terms = _split_top(body, "+")
        bias = [t for t in terms if _BIAS.fullmatch(t.strip())]
        found = [_WEIGHT.fullmatch(t.strip()) for t in terms if not _BIAS.fullmatch(t.strip())]
        weights = [w for w in found if w]
        b = _BIAS.fullmatch(bias[0].strip()) if len(bias) == 1 else None
        if len(bias) > 1 or len(weights) != len(found) or not (b or weights):
            self.fail(line, st, "a layer's net input must be a bias plus weight products")
        k = int(b["k"] if b else weights[0]["to"])
        if b:
            bias_k = self.const(line, st, f"b{k}")
        else:  # a layer without a bias (net.biasConnect(k) = 0): a zero bias, as bpnn has one
            bias_k = np.zeros((self.const(line, st, weights[0]["name"]).shape[0], 1))
        layer = _Layer(bias_k, TRANSFER_FUNCTIONS[tf])
        for w in weights:
            if int(w["to"]) != k:
                self.fail(line, st, f"{w['name']} feeds layer {w['to']}, not layer {k}")
            layer.terms.append(self.term(line, st, w))
        if k in self.spec.layers:
            self.fail(line, st, f"layer {k} is computed twice")
        self.spec.layers[k] = layer
        self.bind(lhs, _Out(k))
        return True

    def term(self, line, st, w):
        value = self.resolve(line, st, w["src"])
        delays: tuple[int, ...] = (0,)
        if isinstance(value, _Tap):
            value, delays = value.of, value.delays
        W = self.const(line, st, w["name"])
        if isinstance(value, _Input):
            self.record_input(line, st, value)
            return _Term(w["name"], "input", value.index, delays, W)
        if isinstance(value, _Out) and not value.steps:
            return _Term(w["name"], "layer", value.layer, delays, W)
        self.fail(line, st, f"{w['name']} multiplies an unexpected value")

    def record_input(self, line, st, value):
        steps = list(value.steps)
        known = self.spec.inputs.setdefault(value.index, steps)
        if [s.label for s in known] != [s.label for s in steps]:
            self.fail(line, st, f"input {value.index} is processed in two different ways")

    def output_copy(self, line, st, lhs=None, value=None):
        """``Y{1,ts} = a2`` / ``y1 = ...`` (an output of the function) or a plain copy
        ``Xd2{xdts} = X{2,ts}`` of a value the simulation computed."""
        if lhs is None:
            m = re.fullmatch(rf"(?P<lhs>{_SRC})\s*=\s*(?P<src>{_SRC})", st)
            if not m:
                return False
            lhs, value = m["lhs"], self.resolve(line, st, m["src"])
            if value == "initial":
                return True
        lhs = re.sub(r"\s+", "", lhs)
        cell = re.fullmatch(r"Y\{(\d+)(?:,ts)?\}", lhs)
        i = None
        if cell and self.cells:
            i = int(cell[1])
        elif _base(lhs) in self.outputs_named and not self.cells:
            i = self.outputs_named.index(_base(lhs)) + 1
        if i is not None:
            if not isinstance(value, _Out):
                self.fail(line, st, "an output that is not computed from a layer")
            self.outputs[i] = value
        self.bind(lhs, value)
        return True

    def const(self, line, st, name):
        if name not in self.consts:
            self.fail(line, st, f"{name} is not among the file's constants")
        return self.consts[name]

    # 3. the whole: check and hand over
    def finish(self, header_line):
        spec = self.spec
        if not spec.layers:
            _fail(
                self.source,
                f"line {header_line}: no layer computation found (not a genFunction network "
                "function?)",
            )
        if set(self.outputs) != {1}:
            _fail(
                self.source,
                f"the function has outputs {sorted(self.outputs)}; bpnn reads networks with "
                "exactly one output",
            )
        out = self.outputs[1]
        spec.output_layer = out.layer
        spec.output_steps = list(reversed(out.steps))  # reverse calls undo the forward order
        used = {s.fn + "_apply" for steps in spec.inputs.values() for s in steps}
        used |= {s.fn + "_reverse" for s in spec.output_steps}
        used |= {f"{la.transfer}_apply" for la in spec.layers.values() if la.transfer != "purelin"}
        missing = sorted(used - self.defined_fns) if self.defined_fns else []
        if missing:
            _fail(self.source, f"the file uses {', '.join(missing)} but does not define it")
        return spec


def _base(name):
    """``Xd1{xdts}`` / ``ad2(:,adts)`` / ``a1`` -> the variable's name."""
    return re.sub(r"[\{\(].*$", "", re.sub(r"\s+", "", name))


def _split_top(text, sep):
    """``text`` split at ``sep`` outside brackets."""
    parts: list[str] = []
    cur: list[str] = []
    depth = 0
    for c in text:
        if c in _OPEN:
            depth += 1
        elif c in _CLOSE:
            depth -= 1
        if c == sep and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(c)
    parts.append("".join(cur))
    return parts


def parse_genfunction(text: str, source: str = "<text>") -> _Spec:
    """The network a genFunction file describes (its text is read, never run)."""
    return _Reader(text, source).read()


# -- .mat files -------------------------------------------------------------------------------
_NUMERIC_CLASSES = {"double", "single", "logical"} | {
    f"{s}int{b}" for s in ("", "u") for b in (8, 16, 32, 64)
}


def _opaque(source, name, what) -> NoReturn:
    _fail(
        source,
        f"variable {name!r} is a MATLAB {what} object, which cannot be read outside MATLAB; "
        f"in MATLAB, save the network as a plain struct with the snippet in {_SNIPPET} "
        "(or write it out with genFunction(net, 'f.m')) and import that",
    )


def _read_mat(p) -> dict[str, Any]:
    """The variables of a .mat file: numeric arrays (2-D, MATLAB's shape) and strings."""
    with open(p, "rb") as f:
        head = f.read(128)
    if head.startswith(b"MATLAB 7.3") or _is_hdf5(p):
        return _read_mat73(p)
    from scipy.io import loadmat

    try:
        raw = loadmat(p, squeeze_me=False, chars_as_strings=True)
    except (ValueError, TypeError, NotImplementedError, OSError) as exc:
        _fail(p.name, f"not a readable .mat file: {exc}")
    out: dict[str, Any] = {}
    for name, v in raw.items():
        if name.startswith("__"):
            continue
        out[name] = _mat_value(p.name, name, v)
    return _unwrap(out)


def _mat_value(source, name, v):
    kind = type(v).__name__
    if kind in ("MatlabOpaque", "MatlabObject", "MatlabFunction"):
        _opaque(source, name, getattr(v, "classname", None) or "network")
    if isinstance(v, np.ndarray) and v.dtype.kind in "US":
        return "".join(str(s) for s in v.ravel())
    if isinstance(v, np.ndarray) and v.dtype.names:  # a struct saved without -struct
        if v.size == 1 and "b1" in v.dtype.names:
            return {f: _mat_value(source, f, v[f].ravel()[0]) for f in v.dtype.names}
        _opaque(source, name, "struct or")
    if isinstance(v, np.ndarray) and v.dtype.kind in "biuf":
        return np.atleast_2d(np.asarray(v, dtype=np.float64))
    is_cell = isinstance(v, np.ndarray) and v.dtype.kind == "O"
    _opaque(source, name, "cell array" if is_cell else kind)


def _unwrap(d):
    """``save f.mat s`` (without -struct) holds the struct as one variable: open it."""
    if len(d) == 1 and isinstance(next(iter(d.values())), dict):
        return next(iter(d.values()))
    return d


def _is_hdf5(p):
    with open(p, "rb") as f:
        for offset in (0, 512):
            f.seek(offset)
            if f.read(8) == b"\x89HDF\r\n\x1a\n":
                return True
    return False


def _read_mat73(p):
    try:
        import h5py
    except ImportError:
        raise ImportError(
            f"{p.name} is a MATLAB v7.3 (HDF5) file, which needs h5py: pip install "
            "'bpnn[matlab]' (or save it in MATLAB with -v7)",
            name="h5py",
        ) from None
    out: dict[str, Any] = {}
    with h5py.File(p, "r") as f:
        for name, obj in f.items():
            if name.startswith("#"):  # #refs#, #subsystem#: MATLAB's own bookkeeping
                continue
            out[name] = _h5_value(p.name, name, obj, h5py)
    return _unwrap(out)


def _h5_value(source, name, obj, h5py):
    cls = obj.attrs.get("MATLAB_class", b"")
    cls = cls.decode() if isinstance(cls, bytes) else str(cls)
    if isinstance(obj, h5py.Group):
        if cls == "struct":
            return {k: _h5_value(source, k, v, h5py) for k, v in obj.items()}
        _opaque(source, name, cls or "group")
    if "MATLAB_object_decode" in obj.attrs or cls not in _NUMERIC_CLASSES | {"char"}:
        _opaque(source, name, cls or "unknown")
    empty = bool(obj.attrs.get("MATLAB_empty", 0))
    data = np.asarray(obj[()])
    if cls == "char":
        return "" if empty else "".join(chr(int(c)) for c in data.T.ravel())
    if empty:
        return np.zeros((0, 0))
    return np.atleast_2d(data.astype(np.float64).T)  # HDF5 holds MATLAB's arrays transposed


def _spec_from_mat(d, source) -> _Spec:
    """The network of the snippet's struct (see docs/matlab.md)."""
    if "b1" not in d:
        names = ", ".join(sorted(d)[:8]) or "nothing"
        _fail(source, f"holds {names}, not the struct of the MATLAB snippet in {_SNIPPET}")
    spec = _Spec(source, feedback_inputs=set())
    n_layers = int(_number(d, "numLayers", source, default=_count(d, r"b(\d+)")))
    for k in range(1, n_layers + 1):
        tf = d.get(f"tf{k}")
        if not isinstance(tf, str):
            _fail(source, f"tf{k} (layer {k}'s transfer function) is missing")
        if tf not in TRANSFER_FUNCTIONS:
            _fail(
                source,
                f"layer {k}'s transfer function {tf} is not supported (bpnn reads "
                f"{', '.join(TRANSFER_FUNCTIONS)})",
            )
        layer = _Layer(_array(d, f"b{k}", source), TRANSFER_FUNCTIONS[tf])
        for key in sorted(d, key=_natural):
            m = re.fullmatch(rf"(IW|LW){k}_(\d+)", key)
            if m:
                delays = tuple(int(v) for v in np.ravel(d.get(f"{key}_delays", np.zeros(1))))
                layer.terms.append(
                    _Term(
                        key,
                        "input" if m[1] == "IW" else "layer",
                        int(m[2]),
                        delays,
                        _array(d, key, source),
                    )
                )
        spec.layers[k] = layer
    for j in range(1, _count(d, r"x(\d+)_steps") + 1):
        spec.inputs[j] = _mat_steps(d, f"x{j}", source)
        if f"x{j}_size" in d:
            spec.input_sizes[j] = int(_number(d, f"x{j}_size", source))
        if np.size(d.get(f"x{j}_feedbackOutput", np.zeros((0, 0)))):
            spec.feedback_inputs.add(j)  # type: ignore[union-attr]
    spec.output_layer = int(_number(d, "outputLayer", source, default=n_layers))
    spec.output_steps = _mat_steps(d, "y1", source)
    fcn = d.get("trainFcn")
    spec.train_fcn = fcn if isinstance(fcn, str) and fcn else None
    return spec


def _natural(key):
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", key)]


def _count(d, pattern):
    return max((int(m[1]) for k in d if (m := re.fullmatch(pattern, k))), default=0)


def _number(d, key, source, default=None):
    v = d.get(key)
    if v is None and default is not None:
        return default
    if not isinstance(v, np.ndarray) or v.size != 1:
        _fail(source, f"{key} must be one number, got {v!r:.60}")
    return float(v.ravel()[0])


def _array(d, key, source):
    v = d.get(key)
    if not isinstance(v, np.ndarray):
        _fail(source, f"{key} is missing or not numeric")
    return v


def _mat_steps(d, prefix, source):
    names = d.get(f"{prefix}_steps", "")
    if not isinstance(names, str):
        _fail(
            source,
            f"{prefix}_steps must be the processing functions' names, e.g. "
            "'removeconstantrows,mapminmax'",
        )
    steps = []
    for k, fn in enumerate([s.strip() for s in names.split(",") if s.strip()], 1):
        label = f"{prefix}_step{k}"
        settings = {key[len(label) + 1 :]: v for key, v in d.items() if key.startswith(label + "_")}
        steps.append(_Step(fn, settings, label))
    return steps


# -- the model ------------------------------------------------------------------------------
def _vec(spec, step, key, n):
    v = step.settings.get(key)
    if v is None:
        _fail(spec, f"{step.label} ({step.fn}) lacks its {key!r} setting")
    v = np.asarray(v, dtype=np.float64).ravel()
    if v.size == 1:
        v = np.full(n, v[0])
    if v.shape != (n,) or not np.all(np.isfinite(v)):
        _fail(spec, f"{step.label}.{key} must be {n} finite numbers, got {v.size}")
    return v


def _scaling(spec, step, n):
    """``(label, center, scale, offset)`` of a mapminmax / mapstd step over n rows."""
    center, gain = _vec(spec, step, "xoffset", n), _vec(spec, step, "gain", n)
    if np.any(gain == 0):
        _fail(spec, f"{step.label}.gain holds a zero")
    if step.fn == "mapminmax":
        ymin = _vec(spec, step, "ymin", n)
        label = "minmax01" if np.all(ymin == 0) else "minmax"
    else:
        ymin, label = _vec(spec, step, "ymean", n), "standard"
    return label, center, gain, ymin


def _keep(spec, step, n):
    """removeconstantrows' ``keep`` (1-based rows) as a mask over n rows."""
    keep = np.asarray(step.settings.get("keep", np.arange(1, n + 1)), dtype=np.float64).ravel()
    idx = keep.astype(np.int64)
    if (
        keep.size == 0
        or np.any(idx != keep)
        or np.any(idx < 1)
        or np.any(idx > n)
        or np.any(np.diff(idx) <= 0)
    ):
        _fail(
            spec,
            f"{step.label}.keep must be increasing row numbers in 1..{n}, got "
            f"{keep.tolist()!r:.80}",
        )
    mask = np.zeros(n, dtype=bool)
    mask[idx - 1] = True
    return mask


def _width(spec, j, steps, n_net):
    """The number of raw rows of input j: declared, or what removeconstantrows implies."""
    n = spec.input_sizes.get(j)
    for s in steps:
        if s.fn == "removeconstantrows":
            rows = [np.ravel(s.settings.get(k, [])) for k in ("keep", "remove")]
            implied = int(max((r.max() for r in rows if r.size), default=n_net))
            xrows = s.settings.get("xrows")
            n = int(np.ravel(xrows)[0]) if xrows is not None else max(n or 0, implied)
    return n_net if n is None else n


def _input_map(spec, j, steps, n_net):
    """InputPreprocessor holding MATLAB's processing of input j exactly."""
    from ..preprocessing import InputPreprocessor

    n = _width(spec, j, steps, n_net)
    keep, scaling = np.ones(n, dtype=bool), None
    for s in steps:
        if s.fn not in PROCESS_FUNCTIONS:
            _fail(
                spec,
                f"{s.label}: processing function {s.fn} is not supported (bpnn reads "
                f"{', '.join(PROCESS_FUNCTIONS)})",
            )
        if s.fn == "removeconstantrows":
            if scaling is not None and not _keep(spec, s, int(keep.sum())).all():
                _fail(spec, f"{s.label}: removeconstantrows after scaling is not supported")
            if scaling is None:
                keep = _keep(spec, s, n)
        elif scaling is not None:
            _fail(spec, f"{s.label}: a second scaling ({s.fn}) of input {j} is not supported")
        else:
            scaling = s
    k = int(keep.sum())
    if k != n_net:
        _fail(spec, f"input {j} gives {k} rows after its processing, but its weights take {n_net}")
    label, center, scale, offset = ("none", None, np.ones(k), np.zeros(k))
    if scaling is not None:
        label, center, scale, offset = _scaling(spec, scaling, k)
    im = InputPreprocessor(label, drop_constant=True)
    im.keep_, im.scale_, im.offset_, im.center_ = keep, scale, offset, center
    im.pca_mean_ = im.pca_components_ = None
    im.range_low_, im.range_high_ = _range(spec, steps, keep)
    return im


def _range(spec, steps, keep):
    """The inputs' range when the export holds it (mapminmax's xmin/xmax and the removed
    rows' values), so that RangeWarnings work; None for genFunction files."""
    scale = [
        s for s in steps if s.fn == "mapminmax" and "xmin" in s.settings and "xmax" in s.settings
    ]
    if not scale:
        return None, None
    k = int(keep.sum())
    lo, hi = np.zeros(keep.size), np.zeros(keep.size)
    lo[keep], hi[keep] = (
        np.broadcast_to(np.ravel(scale[0].settings[x]), (k,)) for x in ("xmin", "xmax")
    )
    if not keep.all():
        rc = [s for s in steps if s.fn == "removeconstantrows" and "value" in s.settings]
        if not rc or np.size(rc[0].settings["value"]) != int((~keep).sum()):
            return None, None
        lo[~keep] = hi[~keep] = np.ravel(rc[0].settings["value"])
    return lo, hi


def _target_map(spec, steps, n):
    """TargetScaler holding MATLAB's output processing (mapminmax_reverse's inverse)."""
    from ..preprocessing import TargetScaler

    scaling = None
    for s in steps:
        if s.fn == "removeconstantrows":
            if not _keep(spec, s, _width(spec, 0, [s], n)).all():
                _fail(
                    spec,
                    f"{s.label}: the targets' removeconstantrows removes rows; a bpnn network "
                    "computes every output",
                )
        elif s.fn in ("mapminmax", "mapstd") and scaling is None:
            scaling = s
        else:
            _fail(spec, f"{s.label}: output processing {s.fn} is not supported")
    tm = TargetScaler("none")
    tm.scale_, tm.offset_, tm.center_ = np.ones(n), np.zeros(n), None
    if scaling is not None:
        tm.scaling, tm.center_, tm.scale_, tm.offset_ = _scaling(spec, scaling, n)
    tm.range_low_ = tm.range_high_ = None
    return tm


def _network(spec, blocks, cascade=False):
    """The Network of layers 1..L with weights ``blocks[k]``: (n_k, n_{k-1}), or for a
    cascade (n_k, n_0 + ... + n_{k-1})."""
    from ..network import Network

    sizes = [blocks[1].shape[1]] + [spec.layers[k].bias.size for k in sorted(spec.layers)]
    acts = [spec.layers[k].transfer for k in sorted(spec.layers)]
    extra: dict[str, Any] = {"connections": "cascade"} if cascade else {}
    net = Network(sizes, acts, init="zeros", **extra)
    for i, k in enumerate(sorted(spec.layers)):
        layer, W = spec.layers[k], blocks[k]
        want = (sizes[i + 1], sum(sizes[: i + 1]) if cascade else sizes[i])
        if W.shape != want or net.weights[i].shape != want:
            _fail(spec, f"layer {k}'s weights have shape {W.shape}, expected {want}")
        for name, a in (("weights", W), ("bias", layer.bias)):
            if not np.all(np.isfinite(a)):
                _fail(spec, f"layer {k}'s {name} hold a non-finite value")
        net.weights[i][...] = W
        net.biases[i][...] = layer.bias.ravel()
    return net


def _check_layers(spec):
    L = len(spec.layers)
    if sorted(spec.layers) != list(range(1, L + 1)):
        _fail(spec, f"layers {sorted(spec.layers)} are not numbered 1..{L}")
    if spec.output_layer != L:
        _fail(spec, f"the output comes from layer {spec.output_layer}, not the last layer {L}")
    for k, layer in spec.layers.items():
        if layer.transfer == "softmax" and k != L:
            _fail(spec, f"layer {k} is a softmax layer; bpnn has softmax on the output layer only")


def _static_blocks(spec):
    """``(blocks, cascade)``: layer k's weights from the layer before (the input for
    k = 1), or, when the input or an earlier layer also feeds a later one (``IW2_1``,
    ``LW3_1``: MATLAB's cascadeforwardnet), each layer's cascade matrix
    (:func:`_cascade_blocks`)."""
    cascade = None
    for k, layer in sorted(spec.layers.items()):
        for t in layer.terms:
            if t.delays != (0,):
                _fail(spec, f"{t.name} has delays {list(t.delays)} in a static network")
            if t.source == "input" and t.index != 1:
                _fail(
                    spec,
                    f"{t.name}: networks with {len(spec.inputs)} inputs are not supported "
                    "(one input, any number of rows)",
                )
            if t.source == "layer" and t.index >= k:
                _fail(
                    spec,
                    f"{t.name} feeds layer {t.index}'s output back to layer {k}: "
                    "layer-recurrent networks are not supported",
                )
            adjacent = t.index == k - 1 if t.source == "layer" else k == 1
            if not adjacent and cascade is None:
                cascade = t
    if cascade is not None:
        return _cascade_blocks(spec), True
    blocks = {}
    for k, layer in sorted(spec.layers.items()):
        names = [t.name for t in layer.terms]
        if len(names) != 1:
            _fail(
                spec,
                f"layer {k} takes {len(names)} weight matrices {names}; a feed-forward layer "
                "takes one",
            )
        blocks[k] = np.asarray(layer.terms[0].W, dtype=np.float64)
    return blocks, False


def _cascade_blocks(spec):
    """Layer k's matrix (n_k, n_0 + n_1 + ... + n_{k-1}) with columns [x, a_1, ..., a_{k-1}]
    (bpnn's cascade layout): MATLAB's ``IWk_1`` in the x columns, ``LWk_j`` in a_j's, zeros
    where MATLAB has no weight."""
    first = [t for t in spec.layers[1].terms if t.source == "input"]
    if not first:
        _fail(spec, "layer 1 takes no input weights (IW1_1)")
    sizes = [first[0].W.shape[1]] + [spec.layers[k].bias.size for k in sorted(spec.layers)]
    starts = np.concatenate([[0], np.cumsum(sizes)])  # column where x, a_1, a_2 ... begin
    blocks = {}
    for k, layer in sorted(spec.layers.items()):
        W = np.zeros((sizes[k], int(starts[k])))
        filled = set()
        for t in layer.terms:
            j = 0 if t.source == "input" else t.index
            if t.W.shape != (sizes[k], sizes[j]) or j in filled:
                _fail(spec, f"{t.name} has shape {t.W.shape}, expected {(sizes[k], sizes[j])}")
            W[:, starts[j] : starts[j + 1]] = t.W
            filled.add(j)
        blocks[k] = W
    return blocks


def _dynamic(spec):
    return any(t.delays != (0,) for layer in spec.layers.values() for t in layer.terms) or bool(
        spec.feedback_inputs
    )


def _build(spec, task, feature_names, target_names, classes, feedback):
    _check_layers(spec)
    if _dynamic(spec):
        return _build_forecaster(spec, feature_names, target_names, feedback)
    blocks, cascade = _static_blocks(spec)
    net = _network(spec, blocks, cascade)
    im = _input_map(spec, 1, spec.inputs.get(1, []), net.n_inputs)
    softmax = net.activations[-1].name == "softmax"
    if task == "auto":
        task = "classification" if softmax and not spec.output_steps else "regression"
    est = (_classifier if task == "classification" else _regressor)(spec, net, classes)
    if cascade and "connections" in est.get_params():
        est.set_params(connections="cascade")  # a later fit grows the same kind of network
    _common(est, net, im, feature_names, target_names)
    est.algorithm = _algorithm(spec, est.algorithm)
    return est


def _algorithm(spec, default):
    """bpnn's name of the export's ``trainFcn`` (``trainlm`` -> "lm"), so that a later
    ``fit`` trains as MATLAB did; the default when unknown or not registered."""
    from ..algorithms import get_algorithm

    if spec.train_fcn is None:
        return default
    try:
        return get_algorithm(spec.train_fcn).name
    except (ValueError, KeyError):
        return default


def _hyper(net):
    """Architecture hyper-parameters, so that a later ``fit`` trains the same shape."""
    acts = [a.name for a in net.activations]
    hidden = acts[:-1]
    return {
        "hidden": tuple(net.sizes[1:-1]),
        "activation": hidden[0] if len(set(hidden)) == 1 else (hidden or "tansig"),
        "output_activation": acts[-1],
        "preset": "matlab",
    }


def _regressor(spec, net, classes):
    from ..estimators import BPRegressor

    if classes is not None:
        _fail(
            spec,
            "classes= was given, but the network is imported as a regressor "
            "(task='classification' makes it a classifier)",
        )
    est = BPRegressor(**_hyper(net))
    est.target_map_ = _target_map(spec, spec.output_steps, net.n_outputs)
    est.target_scaling = est.target_map_.scaling
    est.n_outputs_, est._y_1d = net.n_outputs, net.n_outputs == 1
    est.conformity_scores_ = None
    return est


def _classifier(spec, net, classes):
    from ..estimators import BPClassifier

    out = net.activations[-1].name
    K = net.n_outputs
    if spec.output_steps and any(s.fn != "removeconstantrows" for s in spec.output_steps):
        _fail(
            spec,
            "the outputs are scaled (mapminmax/mapstd), so they are not class probabilities: "
            "import with task='regression'",
        )
    if (out == "softmax" and K < 2) or out not in ("softmax", "logsig"):
        _fail(
            spec,
            f"a {K}-unit {out} output layer does not give class probabilities: import with "
            "task='regression'",
        )
    binary_unit = out == "logsig" and K == 1
    labels = np.arange(2 if binary_unit else K) if classes is None else np.asarray(list(classes))
    if labels.size != (2 if binary_unit else K) or len(set(labels.tolist())) != labels.size:
        _fail(
            spec,
            f"classes= must be {2 if binary_unit else K} distinct labels (one per output "
            f"row), got {labels.tolist()!r:.80}",
        )
    if out == "logsig" and K > 1:
        _fail(spec, f"{K} logsig outputs are a multilabel network: import with task='regression'")
    est = BPClassifier(**_hyper(net))
    est.classes_ = labels
    est.target_type_ = "binary" if labels.size == 2 else "multiclass"
    return est


def _common(est, net, im, feature_names, target_names):
    """The fitted attributes every imported estimator has (as :func:`bpnn.load` sets)."""
    est.scaling = im.scaling
    est.network_, est.networks_ = net, [net]
    est.record_, est.records_, est.selection_record_ = None, [None], None
    est.algorithm_, est.hidden_ = "imported", tuple(net.sizes[1:-1])
    est.hidden_search_ = est.l2_search_ = est.diagnosis_ = None
    est.l2_ = 0.0
    est.input_map_, est.dtype_ = im, np.dtype(np.float64)
    est.n_features_in_ = int(im.keep_.size)
    if feature_names is not None:
        names = [str(n) for n in feature_names]
        if len(names) != est.n_features_in_ or len(set(names)) != len(names):
            raise ValueError(
                f"feature_names must be {est.n_features_in_} distinct names (one per input "
                f"row), got {names!r:.100}"
            )
        est.feature_names_in_ = np.asarray(names, dtype=object)
    if target_names is not None:
        n = getattr(est, "n_outputs_", None)
        names = [str(n) for n in target_names]
        if n is None or len(names) != n:
            raise ValueError(
                f"target_names must be {n} names (one per output row), got {names!r:.100}"
            )
        est.target_names_ = np.asarray(names, dtype=object)


# -- dynamic networks: NARX, NAR, time-delay --------------------------------------------------
def _build_forecaster(spec, feature_names, target_names, feedback):
    """A BPForecaster: layer 1 reads exogenous input taps, and the target's past values
    either as an input (open loop: ``IW1_2``) or as the output layer's delayed outputs
    (closed loop: ``LW1_L``); bpnn's lag layout [x(t-d) ..., y(t-d) ...] is MATLAB's
    concatenation of those taps, each sorted by delay."""
    L = len(spec.layers)
    first = spec.layers[1]
    for k in range(2, L + 1):
        for t in spec.layers[k].terms:
            if not (t.source == "layer" and t.index == k - 1 and t.delays == (0,)):
                _fail(
                    spec,
                    f"{t.name}: only layer 1 of a dynamic network may read delays, inputs or "
                    "feedback",
                )
        if len(spec.layers[k].terms) != 1:
            _fail(
                spec, f"layer {k} takes {len(spec.layers[k].terms)} weight matrices; expected one"
            )
    fb_input = _feedback_input(spec, feedback)
    exog, fb = [], []
    for t in first.terms:
        if t.source == "layer":
            if t.index != L or 0 in t.delays:
                _fail(
                    spec, f"{t.name}: feedback must come from the output layer {L} at delays >= 1"
                )
            fb.append(t)
        elif t.index == fb_input:
            fb.append(t)
        else:
            exog.append(t)
    if len(exog) > 1 or len(fb) > 1:
        _fail(
            spec,
            f"layer 1 reads {len(exog)} exogenous inputs and {len(fb)} feedback taps; bpnn "
            "reads at most one of each",
        )
    n_y = spec.layers[L].bias.size
    ys = _target_map(spec, spec.output_steps, n_y)
    if fb and fb[0].source == "input":  # open loop: the fed-back input is scaled as y
        _same_scaling(spec, fb_input, ys, n_y)
    xs, n_x = None, 0
    if exog:
        n_x = exog[0].W.shape[1] // max(len(exog[0].delays), 1)
        j = exog[0].index
        xs = _target_map(
            spec, [s for s in spec.inputs.get(j, []) if not _noop_rcr(spec, s, n_x)], n_x
        )
    pairs = [(t, n_x) for t in exog] + [(t, n_y) for t in fb]
    if not pairs:
        _fail(spec, "layer 1 of the dynamic network reads no input and no feedback")
    W = np.hstack([_sorted_tap(spec, t, n) for t, n in pairs])
    blocks = {1: W, **{k: spec.layers[k].terms[0].W for k in range(2, L + 1)}}
    net = _network(spec, blocks)
    return _forecaster(spec, net, exog, fb, ys, xs, n_x, n_y, feature_names, target_names)


def _feedback_input(spec, feedback):
    """Which MATLAB input is the fed-back target in an open-loop network (None: none)."""
    if spec.feedback_inputs is not None and feedback == "auto":
        return next(iter(spec.feedback_inputs), None)
    inputs = sorted({t.index for t in spec.layers[1].terms if t.source == "input"})
    if feedback == "none" or not inputs:
        return None
    last = inputs[-1]
    if feedback == "last":
        return last
    n_y = spec.layers[len(spec.layers)].bias.size
    try:
        _same_scaling(spec, last, _target_map(spec, spec.output_steps, n_y), n_y)
    except ValueError:
        return None
    return last


def _noop_rcr(spec, step, n):
    if step.fn != "removeconstantrows":
        return False
    if not _keep(spec, step, _width(spec, 0, [step], n)).all():
        _fail(
            spec,
            f"{step.label}: removeconstantrows of a dynamic network's input removes rows; not "
            "supported",
        )
    return True


def _same_scaling(spec, j, ys, n_y):
    steps = [s for s in spec.inputs.get(j, []) if not _noop_rcr(spec, s, n_y)]
    xm = _target_map(spec, steps, n_y)
    same = (
        all(np.array_equal(getattr(xm, a), getattr(ys, a)) for a in ("scale_", "offset_"))
        and (xm.center_ is None) == (ys.center_ is None)
        and (xm.center_ is None or np.array_equal(xm.center_, ys.center_))
    )
    if not same:
        _fail(
            spec,
            f"input {j} (the fed-back target) is processed differently from the output; "
            "bpnn's forecaster scales each series once",
        )


def _sorted_tap(spec, t, width):
    """Columns of a tap's weights reordered by increasing delay (bpnn's layout)."""
    W = np.asarray(t.W, dtype=np.float64)
    if W.shape[1] != width * len(t.delays):
        _fail(spec, f"{t.name} has {W.shape[1]} columns for {len(t.delays)} delays of {width} rows")
    if len(set(t.delays)) != len(t.delays):
        _fail(spec, f"{t.name} lists a delay twice: {list(t.delays)}")
    order = np.argsort(t.delays, kind="stable")
    return np.hstack([W[:, i * width : (i + 1) * width] for i in order])


def _forecaster(spec, net, exog, fb, ys, xs, n_x, n_y, feature_names, target_names):
    from ..timeseries import BPForecaster
    from ..timeseries.lags import max_delay, parse_delays

    fbd = parse_delays(sorted(fb[0].delays), "feedback delays", 1) if fb else ()
    ind = parse_delays(sorted(exog[0].delays), "input delays", 0) if exog else ()
    h = _hyper(net)
    del h["preset"]
    est = BPForecaster(feedback_delays=fbd, input_delays=ind or (1, 2), **h)
    est.feedback_delays_, est.input_delays_ = fbd, ind
    est.max_delay_ = D = max_delay(fbd, ind)
    est.target_names_ = _names(target_names, n_y, "y", "target_names")
    est.exog_names_ = _names(feature_names, n_x, "x", "feature_names") if n_x else None
    if feature_names is not None and not n_x:
        raise ValueError("feature_names= was given, but the network reads no exogenous series")
    est.n_targets_, est.n_exog_ = n_y, n_x
    est.y_map_, est.x_map_, est.exog_map_ = ys, xs, None
    est._y_1d, est._pandas, est.index_info_, est.time_name_ = n_y == 1, False, None, None
    est.n_series_, est.split_seed_ = 0, 0  # no fitted series: forecasts need last_window=
    est.last_y_ = np.zeros((D, n_y))
    est.last_X_ = np.zeros((D, n_x)) if n_x else None
    est.network_, est.record_, est.closed_loop_record_ = net, None, None
    est.algorithm_, est.diagnosis_ = "imported", None
    est.algorithm = _algorithm(spec, est.algorithm)
    return est


def _names(given, n, prefix, what):
    if given is None:
        return [prefix] if n == 1 else [f"{prefix}{j}" for j in range(n)]
    names = [str(g) for g in given]
    if len(names) != n or len(set(names)) != n:
        raise ValueError(f"{what} must be {n} distinct names, got {names!r:.100}")
    return names
