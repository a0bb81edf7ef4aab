"""The public docstrings parse as numpydoc, so the API reference site renders them as meant:
each parameter its own entry, a short type line, the description below it."""

import inspect

import pytest

docscrape = pytest.importorskip("numpydoc.docscrape")

import bpnn  # noqa: E402

PUBLIC = [bpnn.train, bpnn.BPRegressor, bpnn.BPClassifier]
TYPE_LINE_MAX = 60  # longer wraps on the site's page (the old "scaling" line did)


def _params(obj):
    doc = docscrape.ClassDoc(obj) if inspect.isclass(obj) else docscrape.FunctionDoc(obj)
    return doc["Parameters"]


def _names(param):
    return [n.strip().lstrip("*") for n in param.name.split(",")]


@pytest.mark.parametrize("obj", PUBLIC, ids=lambda o: o.__name__)
def test_every_parameter_is_documented_once(obj):
    documented = [n for p in _params(obj) for n in _names(p)]
    assert len(documented) == len(set(documented))
    sig = inspect.signature(obj.__init__ if inspect.isclass(obj) else obj)
    wanted = [n for n in sig.parameters if n != "self"]
    assert [n for n in wanted if n not in documented] == []


@pytest.mark.parametrize("obj", PUBLIC, ids=lambda o: o.__name__)
def test_type_lines_are_types_not_descriptions(obj):
    for p in _params(obj):
        # "a : text; b : text" on one line parses as one parameter with a sentence for a type
        assert " : " not in p.type and ";" not in p.type, (p.name, p.type)
        assert len(p.type) <= TYPE_LINE_MAX, (p.name, p.type)
