"""bpnn — BP (back-propagation) neural networks.

From the tutorial's per-sample δ algorithm to MATLAB's training functions, with
scikit-learn estimators, safe model files and a command line.
"""
from .activations import (Activation, GeneralizedSigmoid, Logsig, Poslin, Purelin, Softmax,
                          Tansig, get_activation)
from .algorithms import algorithm_names, get_algorithm
from .data import divide
from .datasets import dataset_names, load_dataset
from .explain import explain, tutorial_network
from .gradcheck import gradcheck, numerical_gradient
from .losses import get_loss
from .network import Network, Trace
from .objective import Objective
from .preprocessing import hidden_size_rule, minmax_scaler, pca, standard_scaler
from .record import TrainingRecord
from .trainer import Trainer, train
from .estimators import BPClassifier, BPRegressor
from .io import ModelFileError, load, save

__version__ = "0.1.0"

__all__ = [
    "Activation", "GeneralizedSigmoid", "Logsig", "Poslin", "Purelin", "Softmax", "Tansig",
    "get_activation", "algorithm_names", "get_algorithm", "divide", "explain",
    "tutorial_network", "gradcheck", "numerical_gradient", "get_loss", "Network", "Trace",
    "Objective", "hidden_size_rule", "minmax_scaler", "pca", "standard_scaler",
    "TrainingRecord", "Trainer", "train", "__version__",
    "BPRegressor", "BPClassifier", "save", "load", "ModelFileError",
    "dataset_names", "load_dataset",
]
