"""PyTorch (CPU) peer for the bpnn benchmark.

* :func:`train_minibatch` -- plain mini-batch SGD (no momentum, no weight
  decay) for an MLP with ReLU (or other) hidden layers and a softmax /
  cross-entropy output, float32, given batch size, epochs and thread count.
* :func:`time_single_row_predict` -- latency of one-row forward passes under
  ``torch.no_grad()`` (default net 784-256-128-10).

Install: ``pip install torch==2.13.0`` (see benchmarks/install_peers.sh --
use exactly that spec, others pull a multi-GB CUDA build).

Weights use ``nn.Linear``'s default init unless ``weights`` is given as
``(Ws, bs)`` with ``Ws[l]`` of shape ``(n_in, n_out)`` (the NumPy
convention of numpy_loop.py / fann.pack_layers' default layout).
"""

from __future__ import annotations

import statistics
import time
from typing import NamedTuple, Optional, Sequence, Tuple

import numpy as np

__all__ = [
    "is_available",
    "make_mlp",
    "TrainResult",
    "PredictTiming",
    "train_minibatch",
    "time_single_row_predict",
]


def is_available() -> bool:
    try:
        import torch  # noqa: F401
    except Exception:
        return False
    return True


class TrainResult(NamedTuple):
    elapsed_s: float  # wall time of the training loop only
    final_loss: float  # mean cross-entropy over the last epoch's batches (sample-weighted)
    epochs: int
    n_samples: int
    samples_per_s: float  # epochs * n_samples / elapsed_s


class PredictTiming(NamedTuple):
    median_s: float  # per call
    mean_s: float
    min_s: float
    calls_per_s: float  # 1 / median_s
    n_calls: int


_ACTS = {
    "relu": "ReLU",
    "tanh": "Tanh",
    "logistic": "Sigmoid",
    "sigmoid": "Sigmoid",
    "identity": "Identity",
}


def make_mlp(
    sizes: Sequence[int],
    hidden_activation: str = "relu",
    weights: Optional[Tuple[Sequence[np.ndarray], Sequence[np.ndarray]]] = None,
    seed: Optional[int] = 0,
):
    """``nn.Sequential`` of Linear + activation layers; the output layer has
    no activation (softmax is inside ``CrossEntropyLoss``).  float32."""
    import torch
    from torch import nn

    if seed is not None:
        torch.manual_seed(seed)
    act_cls = getattr(nn, _ACTS[hidden_activation])
    layers = []
    pairs = list(zip(sizes[:-1], sizes[1:]))
    for i, (n_in, n_out) in enumerate(pairs):
        layers.append(nn.Linear(n_in, n_out))
        if i < len(pairs) - 1:
            layers.append(act_cls())
    model = nn.Sequential(*layers).float()
    if weights is not None:
        Ws, bs = weights
        linears = [m for m in model if isinstance(m, nn.Linear)]
        with torch.no_grad():
            for lin, W, b in zip(linears, Ws, bs):
                lin.weight.copy_(torch.as_tensor(np.asarray(W, dtype=np.float32).T))
                lin.bias.copy_(torch.as_tensor(np.asarray(b, dtype=np.float32)))
    return model


def train_minibatch(
    sizes: Sequence[int],
    X,
    y,
    *,
    batch_size: int = 32,
    epochs: int = 1,
    lr: float = 0.01,
    threads: int = 1,
    hidden_activation: str = "relu",
    shuffle: bool = True,
    seed: int = 0,
    weights: Optional[Tuple[Sequence[np.ndarray], Sequence[np.ndarray]]] = None,
) -> TrainResult:
    """Mini-batch SGD with cross-entropy on integer class labels ``y``.

    ``X`` is converted to a float32 tensor and ``y`` to int64 *before* the
    clock starts; the timed part is the epoch loop (per-epoch shuffle,
    forward, loss, backward, ``optimizer.step``).
    """
    import torch
    from torch import nn

    torch.set_num_threads(int(threads))
    Xt = torch.from_numpy(np.ascontiguousarray(X, dtype=np.float32))
    yt = torch.from_numpy(np.ascontiguousarray(y, dtype=np.int64).ravel())
    n = Xt.shape[0]
    if yt.shape[0] != n:
        raise ValueError("X and y have different numbers of rows")
    model = make_mlp(sizes, hidden_activation, weights=weights, seed=seed)
    model.train()
    loss_fn = nn.CrossEntropyLoss()
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.0, weight_decay=0.0)
    gen = torch.Generator().manual_seed(seed)
    final_loss = float("nan")

    t0 = time.perf_counter()
    for _ in range(epochs):
        if shuffle:
            perm = torch.randperm(n, generator=gen)
            Xe, ye = Xt[perm], yt[perm]
        else:
            Xe, ye = Xt, yt
        total = 0.0
        for start in range(0, n, batch_size):
            xb = Xe[start : start + batch_size]
            yb = ye[start : start + batch_size]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            total += loss.item() * xb.shape[0]
        final_loss = total / n
    elapsed = time.perf_counter() - t0
    return TrainResult(
        elapsed, final_loss, epochs, n, epochs * n / elapsed if elapsed > 0 else float("inf")
    )


def time_single_row_predict(
    sizes: Sequence[int] = (784, 256, 128, 10),
    *,
    n_calls: int = 2000,
    warmup: int = 200,
    threads: int = 1,
    hidden_activation: str = "relu",
    softmax: bool = True,
    seed: int = 0,
    model=None,
) -> PredictTiming:
    """Time ``model(x)`` for a single row ``x`` of shape (1, n_in) under
    ``torch.no_grad()`` (each call timed separately; input tensor prepared
    beforehand).  ``softmax=True`` includes the softmax of the output."""
    import torch

    torch.set_num_threads(int(threads))
    if model is None:
        model = make_mlp(sizes, hidden_activation, seed=seed)
    model.eval()
    rng = np.random.default_rng(seed)
    rows = [torch.from_numpy(rng.random((1, sizes[0]), dtype=np.float32)) for _ in range(16)]
    times = []
    clock = time.perf_counter
    with torch.no_grad():
        for i in range(warmup):
            out = model(rows[i % 16])
            if softmax:
                out = torch.softmax(out, dim=1)
        for i in range(n_calls):
            x = rows[i % 16]
            t0 = clock()
            out = model(x)
            if softmax:
                out = torch.softmax(out, dim=1)
            times.append(clock() - t0)
    med = statistics.median(times)
    return PredictTiming(med, statistics.fmean(times), min(times), 1.0 / med, n_calls)


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    X = rng.random((2000, 784), dtype=np.float32)
    y = rng.integers(0, 10, 2000)
    r = train_minibatch((784, 64, 10), X, y, batch_size=32, epochs=2, lr=0.01, threads=1)
    print(
        f"torch train 784-64-10, 2000 rows x 2 epochs, bs=32: {r.elapsed_s:.3f}s "
        f"{r.samples_per_s:.0f} samples/s loss={r.final_loss:.4f}"
    )
    p = time_single_row_predict(n_calls=1000)
    print(
        f"torch single-row predict 784-256-128-10: median {p.median_s * 1e6:.1f} us "
        f"({p.calls_per_s:.0f} calls/s)"
    )
