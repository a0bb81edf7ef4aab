"""scikit-learn peer for the bpnn benchmark.

* :func:`train_minibatch` -- ``MLPClassifier(solver='sgd')`` as plain
  mini-batch SGD: ``momentum=0``, ``nesterovs_momentum=False``, constant
  ``learning_rate_init``, given ``batch_size``, ``max_iter=epochs``,
  ``tol=0`` / huge ``n_iter_no_change`` / ``early_stopping=False`` so that
  exactly ``epochs`` epochs run, ``alpha=0`` (no L2 term, so ``loss_`` is
  the pure cross-entropy), float32 input.  ReLU hidden layers, softmax
  output (scikit-learn picks softmax for >2 classes, logistic for 2).
* :func:`time_single_row_predict` -- latency of ``predict_proba`` on one row
  (default net 784-256-128-10).
* :func:`time_lbfgs_to_mse` -- time for ``MLPRegressor(solver='lbfgs')``
  (1-5-1, tanh hidden, identity output) to reach a given MSE on
  ``y = sin(pi x)``.

Threads: scikit-learn's MLP does its matrix products through NumPy/SciPy's
BLAS; ``threads`` limits that pool with threadpoolctl.
"""

from __future__ import annotations

import contextlib
import statistics
import time
import warnings
from typing import NamedTuple, Optional, Sequence

import numpy as np

__all__ = [
    "is_available",
    "TrainResult",
    "PredictTiming",
    "LbfgsResult",
    "make_classifier",
    "train_minibatch",
    "time_single_row_predict",
    "sin_dataset",
    "time_lbfgs_to_mse",
]


def is_available() -> bool:
    try:
        import sklearn  # noqa: F401
    except Exception:
        return False
    return True


class TrainResult(NamedTuple):
    elapsed_s: float  # wall time of fit() only
    final_loss: float  # clf.loss_: mean cross-entropy of the last epoch (alpha=0)
    epochs: int  # clf.n_iter_
    n_samples: int
    samples_per_s: float


class PredictTiming(NamedTuple):
    median_s: float
    mean_s: float
    min_s: float
    calls_per_s: float
    n_calls: int


class LbfgsResult(NamedTuple):
    reached: bool  # MSE goal reached within max_total_iter
    elapsed_s: float  # best-of-`repeats` time of the fit that reaches the goal
    max_iter: int  # max_iter that reaches the goal (max_iter - 1 does not)
    n_iter: int  # reg.n_iter_ of that fit
    mse: float  # MSE of that fit on the training points
    search_elapsed_s: float  # total time spent searching for max_iter


@contextlib.contextmanager
def _limit_threads(threads: Optional[int]):
    if threads is None:
        yield
        return
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover
        yield
        return
    with threadpool_limits(limits=int(threads)):
        yield


def make_classifier(
    hidden_sizes: Sequence[int],
    *,
    batch_size: int = 32,
    epochs: int = 1,
    lr: float = 0.01,
    activation: str = "relu",
    shuffle: bool = True,
    seed: int = 0,
    alpha: float = 0.0,
):
    from sklearn.neural_network import MLPClassifier

    return MLPClassifier(
        hidden_layer_sizes=tuple(int(h) for h in hidden_sizes),
        activation=activation,
        solver="sgd",
        alpha=alpha,
        batch_size=int(batch_size),
        learning_rate="constant",
        learning_rate_init=lr,
        momentum=0.0,
        nesterovs_momentum=False,
        max_iter=int(epochs),
        tol=0.0,
        n_iter_no_change=1_000_000_000,
        early_stopping=False,
        shuffle=shuffle,
        random_state=seed,
    )


def train_minibatch(
    sizes: Sequence[int],
    X,
    y,
    *,
    batch_size: int = 32,
    epochs: int = 1,
    lr: float = 0.01,
    threads: Optional[int] = 1,
    hidden_activation: str = "relu",
    shuffle: bool = True,
    seed: int = 0,
) -> TrainResult:
    """Fit an ``MLPClassifier`` with layer sizes ``sizes`` (input and output
    sizes are implied by ``X`` and ``y``; they are checked against
    ``sizes[0]`` / ``sizes[-1]``).  ``X`` is converted to float32 before
    timing; the timed part is ``fit``."""
    from sklearn.exceptions import ConvergenceWarning

    X = np.ascontiguousarray(X, dtype=np.float32)
    y = np.asarray(y).ravel()
    if X.shape[1] != sizes[0]:
        raise ValueError(f"X has {X.shape[1]} columns, sizes[0] is {sizes[0]}")
    n_classes = np.unique(y).size
    if sizes[-1] != n_classes and not (sizes[-1] == 1 and n_classes == 2):
        raise ValueError(f"y has {n_classes} classes, sizes[-1] is {sizes[-1]}")
    clf = make_classifier(
        sizes[1:-1],
        batch_size=batch_size,
        epochs=epochs,
        lr=lr,
        activation=hidden_activation,
        shuffle=shuffle,
        seed=seed,
    )
    with _limit_threads(threads), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        t0 = time.perf_counter()
        clf.fit(X, y)
        elapsed = time.perf_counter() - t0
    n = X.shape[0]
    return TrainResult(
        elapsed,
        float(clf.loss_),
        int(clf.n_iter_),
        n,
        clf.n_iter_ * n / elapsed if elapsed > 0 else float("inf"),
    )


def time_single_row_predict(
    sizes: Sequence[int] = (784, 256, 128, 10),
    *,
    n_calls: int = 2000,
    warmup: int = 200,
    threads: Optional[int] = 1,
    method: str = "predict_proba",
    seed: int = 0,
    model=None,
) -> PredictTiming:
    """Time ``model.predict_proba(x)`` (or ``predict``) for one row of shape
    (1, n_in), float32.  Without ``model`` a classifier with ``sizes`` is
    fitted for one epoch on random data first (weights do not matter for
    latency)."""
    from sklearn.exceptions import ConvergenceWarning

    rng = np.random.default_rng(seed)
    if model is None:
        n_classes = sizes[-1]
        n_fit = max(4 * n_classes, 64)
        Xf = rng.random((n_fit, sizes[0]), dtype=np.float32)
        yf = np.arange(n_fit) % n_classes
        model = make_classifier(sizes[1:-1], batch_size=32, epochs=1, seed=seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(Xf, yf)
    fn = getattr(model, method)
    rows = [rng.random((1, sizes[0]), dtype=np.float32) for _ in range(16)]
    times = []
    clock = time.perf_counter
    with _limit_threads(threads):
        for i in range(warmup):
            fn(rows[i % 16])
        for i in range(n_calls):
            x = rows[i % 16]
            t0 = clock()
            fn(x)
            times.append(clock() - t0)
    med = statistics.median(times)
    return PredictTiming(med, statistics.fmean(times), min(times), 1.0 / med, n_calls)


def sin_dataset(n_points: int = 41):
    """``x`` evenly spaced on [-1, 1] (column vector), ``y = sin(pi x)``."""
    x = np.linspace(-1.0, 1.0, n_points).reshape(-1, 1)
    return x, np.sin(np.pi * x).ravel()


def _fit_lbfgs(x, y, max_iter, hidden, activation, seed):
    from sklearn.neural_network import MLPRegressor

    reg = MLPRegressor(
        hidden_layer_sizes=(hidden,),
        activation=activation,
        solver="lbfgs",
        alpha=0.0,
        tol=0.0,
        max_iter=int(max_iter),
        max_fun=10**9,
        random_state=seed,
    )
    t0 = time.perf_counter()
    reg.fit(x, y)
    elapsed = time.perf_counter() - t0
    mse = float(np.mean((reg.predict(x) - y) ** 2))
    return reg, elapsed, mse


def time_lbfgs_to_mse(
    goal_mse: float = 1e-4,
    *,
    n_points: int = 41,
    hidden: int = 5,
    activation: str = "tanh",
    seed: int = 0,
    max_total_iter: int = 20000,
    repeats: int = 3,
    threads: Optional[int] = 1,
) -> LbfgsResult:
    """Time ``MLPRegressor(solver='lbfgs')`` 1-``hidden``-1 reaching ``goal_mse``
    on ``sin(pi x)`` (``sin_dataset(n_points)``, training-set MSE, not the
    halved ``loss_``).

    L-BFGS is deterministic for a fixed ``random_state``, so the fit with
    ``max_iter=k`` is the first ``k`` iterations of every longer fit.
    ``max_iter`` is doubled (1, 2, 4, ...) until the goal is reached, then
    bisected to a ``max_iter`` that reaches it while ``max_iter - 1`` does not
    (the smallest one if the MSE falls monotonically); that fit is then
    timed ``repeats`` times from scratch and the fastest time is reported.
    """
    from sklearn.exceptions import ConvergenceWarning

    x, y = sin_dataset(n_points)
    t_search = time.perf_counter()
    with _limit_threads(threads), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        lo, hi = 0, 1
        while True:
            reg, _, mse = _fit_lbfgs(x, y, hi, hidden, activation, seed)
            if mse <= goal_mse:
                break
            if reg.n_iter_ < hi or hi >= max_total_iter:
                # stopped early (converged elsewhere) or out of budget
                return LbfgsResult(
                    False, float("nan"), hi, int(reg.n_iter_), mse, time.perf_counter() - t_search
                )
            lo, hi = hi, min(2 * hi, max_total_iter)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            _, _, mse_mid = _fit_lbfgs(x, y, mid, hidden, activation, seed)
            if mse_mid <= goal_mse:
                hi = mid
            else:
                lo = mid
        best = float("inf")
        for _ in range(max(1, repeats)):
            reg, elapsed, mse = _fit_lbfgs(x, y, hi, hidden, activation, seed)
            best = min(best, elapsed)
    return LbfgsResult(
        mse <= goal_mse, best, hi, int(reg.n_iter_), mse, time.perf_counter() - t_search
    )


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    X = rng.random((2000, 784), dtype=np.float32)
    y = rng.integers(0, 10, 2000)
    r = train_minibatch((784, 64, 10), X, y, batch_size=32, epochs=2, lr=0.01, threads=1)
    print(
        f"sklearn train 784-64-10, 2000 rows x {r.epochs} epochs, bs=32: {r.elapsed_s:.3f}s "
        f"{r.samples_per_s:.0f} samples/s loss={r.final_loss:.4f}"
    )
    p = time_single_row_predict(n_calls=1000)
    print(
        f"sklearn single-row predict_proba 784-256-128-10: median {p.median_s * 1e6:.1f} us "
        f"({p.calls_per_s:.0f} calls/s)"
    )
    for goal in (1e-3, 1e-4):
        lb = time_lbfgs_to_mse(goal)
        print(
            f"sklearn lbfgs 1-5-1 tanh sin(pi x) to MSE<={goal:g}: reached={lb.reached} "
            f"{lb.elapsed_s * 1e3:.1f} ms, max_iter={lb.max_iter}, n_iter={lb.n_iter}, "
            f"mse={lb.mse:.3g}"
        )
