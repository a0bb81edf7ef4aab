"""What the command line and the app share about tables: the task a target suggests,
matching a table to a saved model's inputs, the prediction columns' names, and the
one-line wording of an error.

Nothing here imports a front end (``bpnn.cli``, ``bpnn.app``); pandas and NumPy are
imported inside the functions that use them, so importing this module stays cheap.
"""

from __future__ import annotations

__all__ = [
    "check_width",
    "detect_task",
    "feature_names",
    "is_numeric",
    "model_inputs",
    "has_table_map",
    "one_line",
    "prediction_names",
    "require_inputs",
]


def one_line(exc) -> str:
    """The text of an exception on one line.

    Parameters
    ----------
    exc : BaseException
        The error to word.

    Returns
    -------
    str
        Its message with every run of whitespace (newlines included) made one space, or
        the exception's class name when the message is empty.
    """
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def is_numeric(col) -> bool:
    """Whether a column holds numbers (booleans do not count).

    Parameters
    ----------
    col : pandas.Series
        The column.

    Returns
    -------
    bool
        True for an integer or float dtype, False for text, categories and booleans.
    """
    import pandas as pd

    return pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)


def detect_task(Y, explicit, ds):
    """'classification' for text/bool labels or a few integer codes, else 'regression'.

    Parameters
    ----------
    Y : pandas.DataFrame
        The target column(s).
    explicit : str or None
        A task the user chose (``"auto"`` or None: detect it).
    ds : bpnn.datasets.Dataset or None
        The built-in data set the targets come from, whose own task then wins.

    Returns
    -------
    task : str
        ``"classification"`` or ``"regression"``.
    why : str
        The reason, in words.
    """
    import numpy as np

    if explicit and explicit != "auto":
        return explicit, "chosen with --task"
    if ds is not None:
        return ds.task, f"the {ds.name} data set's task"
    if Y.shape[1] > 1:
        return "regression", f"{Y.shape[1]} numeric targets"
    col = Y.iloc[:, 0]
    if not is_numeric(col):
        return "classification", f"target {col.name!r} holds labels"
    vals = col.to_numpy(dtype=float)
    k = np.unique(vals).size
    if np.all(vals == np.round(vals)) and k <= 10 and k < len(vals) / 2:
        return "classification", f"target {col.name!r} holds {k} integer codes"
    return "regression", f"target {col.name!r} is numeric"


def feature_names(model):
    """The names of the columns a model was fitted on.

    Parameters
    ----------
    model : estimator
        A fitted model.

    Returns
    -------
    list of str or None
        Its ``feature_names_in_`` as strings, or None when it was fitted without names.
    """
    names = getattr(model, "feature_names_in_", None)
    return None if names is None else [str(c) for c in names]


def require_inputs(model, df, source):
    """The model's input column names (checked against df), or None if it has none.

    Parameters
    ----------
    model : estimator
        A fitted model.
    df : pandas.DataFrame
        The table that should hold the model's inputs.
    source : str
        The table's name in messages (quoted already).

    Returns
    -------
    list of str or None
        The input column names, or None for a model fitted without names.

    Raises
    ------
    bpnn.io_tables.TableError
        When df lacks some of the model's input columns.
    """
    from ..io_tables import TableError

    names = feature_names(model)
    if names is not None:
        absent = [c for c in names if c not in df.columns]
        if absent:
            raise TableError(
                f"{source} lacks the model's input column(s) "
                f"{', '.join(map(repr, absent[:5]))}; the model was trained on "
                f"{', '.join(names[:12])}"
            )
    return names


def check_width(model, X, source):
    """Refuse inputs whose column count is not the model's.

    Parameters
    ----------
    model : estimator
        A fitted model.
    X : pandas.DataFrame or numpy.ndarray
        The selected input columns.
    source : str
        The table's name in messages (quoted already).

    Raises
    ------
    bpnn.io_tables.TableError
        When X has another number of columns than the model was fitted on.
    """
    from ..io_tables import TableError

    n = int(getattr(model, "n_features_in_", X.shape[1]))
    if X.shape[1] != n:
        raise TableError(f"{source} has {X.shape[1]} input columns, the model expects {n}")


def model_inputs(model, df, source, missing):
    """Select the model's input columns from df (by name when the model knows them).

    Parameters
    ----------
    model : estimator
        A fitted model.
    df : pandas.DataFrame
        The new data.
    source : str
        The table's name in messages (quoted already).
    missing : str or None
        What to do with missing values: ``"error"`` refuses them; for a model with a
        table map (``table_map_``) anything else leaves them to the map's fitted rule
        (the fill it learned at fit time); for an older model ``"mean"`` or ``"median"``
        fill them from df itself (see :func:`bpnn.io_tables.select_columns`).

    Returns
    -------
    pandas.DataFrame
        The model's inputs, in its column order: as they are in df for a model with a
        table map, as numbers otherwise.
    """
    from ..io_tables import select_columns

    names = require_inputs(model, df, source)
    raw = has_table_map(model)
    strategy = missing or ("indicator" if raw else "error")
    X, _ = select_columns(df, None, names, missing=strategy, source=source, raw=raw)
    check_width(model, X, source)
    return X


def prediction_names(model, n_cols):
    """``prediction`` for one output; ``prediction_<target>`` for several when the model
    knows its target columns' names, else ``prediction_1``, ``prediction_2``, ...

    Parameters
    ----------
    model : estimator
        A fitted model (its ``target_names_`` is read when present).
    n_cols : int
        How many output columns the predictions have.

    Returns
    -------
    list of str
        One name per output column.
    """
    if n_cols == 1:
        return ["prediction"]
    targets = getattr(model, "target_names_", None)
    if targets is not None and len(targets) == n_cols:
        return [f"prediction_{t}" for t in targets]
    return [f"prediction_{j + 1}" for j in range(n_cols)]


def has_table_map(model) -> bool:
    """True when ``model`` reads its inputs through a table map (models fitted by a bpnn
    with the data layer), so tables go to it as they are (text, missing values).

    Parameters
    ----------
    model : estimator
        A fitted model, or a light one from :func:`bpnn.io.load_predictor`.

    Returns
    -------
    bool
    """
    return getattr(model, "table_map_", None) is not None
