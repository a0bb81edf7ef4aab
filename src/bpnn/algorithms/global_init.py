"""Global-search initialisation ("GA-BP", "PSO-BP", "DE-BP"): a population search over
the initial weights on the training loss, before back-propagation training.

:func:`search_initial_weights` takes the training :class:`~bpnn.objective.Objective` and the
network's own initial weights ``w0`` and returns the best point a population method found
within ``budget`` loss evaluations (each one ``objective.value(w)``: one forward pass over
the training rows; no second loss). The search box is ``[-r, r]`` per parameter with
``r = max(1, |w0|max)``, and ``w0`` is a member of the first population, so the result's
training loss is never above ``w0``'s.

* ``"de"`` — :func:`scipy.optimize.differential_evolution` (Storn & Price 1997),
  ``best1bin``, no polishing, the population given explicitly (``init=`` an array).
* ``"ga"`` — :class:`pygad.GA` (a maintained genetic-algorithm library with its own seeded
  generators): steady-state selection, single-point crossover, random mutation within the
  box, elitism of 2.
* ``"pso"`` — particle swarm (Kennedy & Eberhart 1995) with the constriction-equivalent
  weights of Clerc & Kennedy (2002): inertia 0.7298, c1 = c2 = 1.49618, positions clipped
  to the box. Written here as a 20-line loop on NumPy: the usual library, pyswarms, has
  had no release since 1.3.0 (January 2021) and draws from NumPy's global random state,
  so a seed passed in could not make it reproducible.

Budget: ``budget`` counts loss evaluations, population size included; the benchmark
(benchmarks/bench_init.py, docs/init.md) compares with ``n_restarts`` on the same count.
"""

from __future__ import annotations

import numpy as np

__all__ = ["GLOBAL_INITS", "search_initial_weights"]

GLOBAL_INITS = ("ga", "pso", "de")
DEFAULT_BUDGET = 600  # loss evaluations
DEFAULT_POPULATION = 20


def _box(w0):
    r = max(1.0, float(np.max(np.abs(w0))))
    return -r, r


def _population(w0, size, rng, low, high):
    """``w0`` and ``size - 1`` uniform draws in the box: the first population."""
    P = rng.uniform(low, high, size=(size, w0.size))
    P[0] = w0
    return P


def _de(f, w0, budget, size, rng):
    from scipy.optimize import differential_evolution

    low, high = _box(w0)
    init = _population(w0, size, rng, low, high)
    gens = max(0, budget // size - 1)  # scipy evaluates the first population, then size/gen
    res = differential_evolution(
        f,
        [(low, high)] * w0.size,
        init=init,
        maxiter=gens,
        popsize=1,
        tol=0,
        atol=0,
        polish=False,
        rng=np.random.default_rng(rng.integers(2**32)),
    )
    return res.x


def _ga(f, w0, budget, size, rng):
    try:
        import pygad
    except ImportError:
        raise ImportError(
            "init='ga' needs PyGAD: pip install 'bpnn[search]' (or pygad)", name="pygad"
        ) from None
    low, high = _box(w0)
    init = _population(w0, size, rng, low, high)
    elite = min(2, size - 1)
    gens = max(1, (budget - size) // (size - elite))  # elites are not evaluated again
    ga = pygad.GA(
        num_generations=gens,
        num_parents_mating=max(2, size // 2),
        fitness_func=lambda _ga, w, _i: -f(w),
        initial_population=init,
        gene_space={"low": low, "high": high},
        keep_elitism=elite,
        parent_selection_type="sss",
        crossover_type="single_point",
        mutation_type="random",
        mutation_percent_genes=10,
        random_seed=int(rng.integers(2**32)),
        suppress_warnings=True,
    )
    ga.run()
    fitness = np.asarray(ga.last_generation_fitness)
    return np.asarray(ga.population[int(np.argmax(fitness))], dtype=np.float64)


def _pso(f, w0, budget, size, rng, inertia=0.7298, c1=1.49618, c2=1.49618):
    low, high = _box(w0)
    x = _population(w0, size, rng, low, high)
    v = rng.uniform(-(high - low), high - low, size=x.shape) * 0.1
    fx = np.array([f(p) for p in x])
    best, fbest = x.copy(), fx.copy()
    for _ in range(max(0, budget // size - 1)):
        g = best[np.argmin(fbest)]
        r1, r2 = rng.random(x.shape), rng.random(x.shape)
        # 1. velocity: inertia + pull to each particle's best + pull to the swarm's best
        v = inertia * v + c1 * r1 * (best - x) + c2 * r2 * (g - x)
        # 2. move, staying in the box
        x = np.clip(x + v, low, high)
        fx = np.array([f(p) for p in x])
        better = fx < fbest
        best[better], fbest[better] = x[better], fx[better]
    return best[np.argmin(fbest)]


_METHODS = {"de": _de, "ga": _ga, "pso": _pso}


def search_initial_weights(
    objective, w0, method, *, budget=DEFAULT_BUDGET, population=DEFAULT_POPULATION, rng=None
):
    """The best initial weights ``method`` finds on ``objective`` in ``budget`` evaluations.

    Parameters
    ----------
    objective : Objective on the training rows (its ``value`` is the only loss used).
    w0 : (n_params,) the network's initial weights (a member of the first population).
    method : "ga", "pso" or "de".
    budget : int >= population; loss evaluations, the first population included.
    population : int >= 5.
    rng : numpy Generator.

    Returns (n_params,) float array; its loss is <= the loss at ``w0``.
    """
    if method not in _METHODS:
        raise ValueError(f"init search must be one of {list(GLOBAL_INITS)}, got {method!r}")
    population = int(population)
    if population < 5:
        raise ValueError(f"population must be an integer >= 5, got {population!r}")
    if int(budget) != budget or budget < population:
        raise ValueError(f"budget must be an integer >= population ({population}), got {budget!r}")
    rng = np.random.default_rng() if rng is None else rng
    w0 = np.asarray(w0, dtype=np.float64)
    dtype = objective.network.params.dtype

    def f(w):
        with np.errstate(over="ignore", invalid="ignore"):
            v = objective.value(np.asarray(w, dtype=dtype))
        return v if np.isfinite(v) else np.inf

    f0 = f(w0)
    w = _METHODS[method](f, w0, int(budget), population, rng)
    if not f(w) <= f0:  # never hand back a worse start than the one given
        w = w0
    return np.asarray(w, dtype=dtype)
