"""The data layer: a user's table -> the network's numeric inputs and back.

* :mod:`bpnn.io_tables` reads files (CSV/TSV/Excel/Parquet, the text encodings Chinese
  Windows machines write) and writes outputs atomically;
* :mod:`bpnn.tables.encoder` turns a table's columns (numbers, text categories, booleans,
  missing values) into numeric inputs, fitted once and stored in the model file as JSON;
* :mod:`bpnn.tables.times` reads a series' time column as people write it (day-first or
  month-first decided from the whole column, Chinese and full-width dates, years) and
  names its gaps, repeats and disorder with their rows;
* :mod:`bpnn.tables.frames` holds what the command line and the app share about tables:
  task detection, matching a table to a model's inputs, prediction column names and the
  one-line wording of errors.

Nothing here imports a front end (``bpnn.cli``, ``bpnn.app``).
"""
