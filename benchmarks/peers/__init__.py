"""Peer implementations (FANN, PyTorch, scikit-learn, plain NumPy) for the bpnn benchmark."""
