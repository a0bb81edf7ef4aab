#!/usr/bin/env bash
# Install the peer libraries used by the bpnn benchmark suite.
# Idempotent: every step checks whether its peer is already present.
#
#   - FANN (double precision, via Debian's libfann-dev) -> benchmarks/peers/fann.py
#   - PyTorch (CPU use only)                             -> benchmarks/peers/torch_peer.py
#   - scikit-learn                                      -> benchmarks/peers/sklearn_peer.py
#
# NOTE: PyTorch must be installed with exactly `torch==2.13.0`; other specs
# pull a multi-GB CUDA build on this platform.
set -euo pipefail

SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
fi
PY="${PYTHON:-python3}"

# --- FANN ------------------------------------------------------------------
if ! { [ -f /usr/include/doublefann.h ] && dpkg -s libfann-dev >/dev/null 2>&1; }; then
    echo "[install_peers] installing libfann-dev (apt-get)"
    $SUDO apt-get update
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends libfann-dev
else
    echo "[install_peers] libfann-dev already installed"
fi

# --- PyTorch ---------------------------------------------------------------
if ! "$PY" -c "import torch" >/dev/null 2>&1; then
    echo "[install_peers] installing torch==2.13.0 (pip)"
    "$PY" -m pip install torch==2.13.0
else
    echo "[install_peers] torch already installed: $("$PY" -c 'import torch; print(torch.__version__)')"
fi

# --- scikit-learn ----------------------------------------------------------
if ! "$PY" -c "import sklearn" >/dev/null 2>&1; then
    echo "[install_peers] installing scikit-learn (pip)"
    "$PY" -m pip install scikit-learn
else
    echo "[install_peers] scikit-learn already installed: $("$PY" -c 'import sklearn; print(sklearn.__version__)')"
fi

echo "[install_peers] done"
