"""What the tutorial's ``CBpnet`` class meant to do, correctly.

The tutorial's class stores data as features x samples, min-max normalises inputs and
targets to [0, 1], uses 2 hidden logsig units, learning rate 0.9, weights from U(-1, 1),
and trains by per-sample gradient descent on E = ½Σ(d − y)². Its bugs are fixed here:

* the hidden derivative is element-wise (one factor per unit), not a single scalar;
* the error is recomputed from zero every epoch;
* predictions are mapped back from [0, 1] to the targets' original units (反归一化).

Run:  python examples/cbpnet.py
"""

import numpy as np

import bpnn


class CBpnet:
    """A BP network with the tutorial's interface: data as features x samples."""

    def __init__(self, trainx, trainy, hidden=2, lr=0.9, seed=0):
        trainx, trainy = np.atleast_2d(trainx), np.atleast_2d(trainy)
        self.x_scaler = bpnn.minmax_scaler((0, 1)).fit(trainx.T)  # 归一化 of the inputs
        self.y_scaler = bpnn.minmax_scaler((0, 1)).fit(trainy.T)  # ... and of the targets
        self.X = self.x_scaler.transform(trainx.T)
        self.Y = self.y_scaler.transform(trainy.T)
        self.net = bpnn.Network(
            [self.X.shape[1], hidden, self.Y.shape[1]], "logsig", init="uniform", seed=seed
        )
        self.lr, self.seed = lr, seed

    def train(self, epochs=2000, goal=1e-3):
        """Per-sample BP until E = ½Σ(d − y)² on the normalised data is <= goal."""
        self.record = bpnn.train(
            self.net,
            self.X,
            self.Y,
            algorithm="sgd",
            loss="sse",
            lr=self.lr,
            epochs=epochs,
            goal=goal,
            seed=self.seed,
        )
        return self.record

    def predict(self, newx):
        """Outputs for new data (features x samples) in the targets' original units."""
        Xn = self.x_scaler.transform(np.atleast_2d(newx).T)
        return self.y_scaler.inverse_transform(self.net.forward(Xn)).T  # 反归一化


def main(epochs=2000):
    rng = np.random.default_rng(0)
    trainx = rng.uniform([0, 10], [5, 20], size=(80, 2)).T  # 2 features x 80 samples
    trainy = (3.0 * trainx[0] + 0.5 * trainx[1] ** 1.5)[None, :]  # 1 target, in its units
    model = CBpnet(trainx, trainy, hidden=4)
    rec = model.train(epochs=epochs, goal=0.01)
    newx = np.array([[1.0, 4.0], [12.0, 18.0]])  # two new samples
    pred = model.predict(newx)
    truth = 3.0 * newx[0] + 0.5 * newx[1] ** 1.5
    print(f"{rec.epochs} epochs, stop: {rec.stop_reason}, E = {rec.final_loss:.4f}")
    print("predicted", np.round(pred.ravel(), 2), "true", np.round(truth, 2))
    return pred.ravel(), truth


if __name__ == "__main__":
    main()
