"""The tutorial's second example, done right: a 2-3-2-1 network for binary classification.

Two hidden layers (3 and 2 logsig units) and one logsig output unit, trained by per-sample
back-propagation. Unlike the tutorial's figure, layer 2 is fed the *outputs* of layer 1,
n(1) = f(z(1)), not its pre-activations z(1).

Run:  python examples/binary_classifier_2_3_2_1.py
"""

import numpy as np

import bpnn


def make_data(n=200, seed=0):
    """Two interleaved classes: points inside vs outside a circle of radius 0.6."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(n, 2))
    y = (np.hypot(X[:, 0], X[:, 1]) < 0.6).astype(float)[:, None]
    return X, y


def main(epochs=3000, seed=1):
    X, y = make_data()
    net = bpnn.Network([2, 3, 2, 1], activations="logsig", init="uniform", seed=seed)
    record = bpnn.train(
        net, X, y, algorithm="sgd", loss="sse", lr=0.5, epochs=epochs, goal=2.0, seed=seed
    )
    accuracy = float(np.mean((net.forward(X) > 0.5) == (y > 0.5)))
    Xt, yt = make_data(1000, seed=99)
    test_accuracy = float(np.mean((net.forward(Xt) > 0.5) == (yt > 0.5)))
    print(
        f"2-3-2-1 logsig, per-sample BP: {record.epochs} epochs ({record.stop_reason}), "
        f"E = {record.final_loss:.4f}"
    )
    print(f"training accuracy {accuracy:.3f}, accuracy on 1000 new points {test_accuracy:.3f}")
    return accuracy, test_accuracy


if __name__ == "__main__":
    main()
