"""The typing stub _core.pyi declares every public name of the compiled module."""
import ast
import os

import curvecast
from curvecast import _core


def _stub():
    path = os.path.join(os.path.dirname(curvecast.__file__), "_core.pyi")
    tree = ast.parse(open(path).read())
    top, classes = set(), {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            top.add(node.name)
            members = set()
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    members.add(item.name)
                elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    members.add(item.target.id)
            classes[node.name] = members
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            top.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            top.add(node.target.id)
    return top, classes


def test_stub_covers_the_module():
    top, classes = _stub()
    public = [n for n in dir(_core) if not n.startswith("__")]
    missing = [n for n in public if n not in top]
    assert not missing, f"not in _core.pyi: {missing}"
    for name, members in classes.items():
        cls = getattr(_core, name)
        if issubclass(cls, BaseException):
            continue
        own = [m for m in dir(cls) if not m.startswith("_") or m in ("__len__", "__getitem__", "__iter__", "__bool__")]
        own = [m for m in own if m not in ("__iter__",) or hasattr(cls, "__iter__")]
        missing = [m for m in own if m not in members and not hasattr(object, m)]
        assert not missing, f"{name}: not in _core.pyi: {missing}"


def _documented(obj):
    """pybind11 puts the signature on the first line of a function's __doc__: a
    documented function has more than that line; a property has its own text."""
    doc = (getattr(obj, "__doc__", None) or "").strip()
    if isinstance(obj, property):
        return bool(doc)
    return len(doc.splitlines()) > 1


def test_every_public_function_and_member_has_a_docstring():
    for n in dir(_core):
        obj = getattr(_core, n)
        if n.startswith("__") or not callable(obj):
            continue
        if isinstance(obj, type):
            assert obj.__doc__ and obj.__doc__.strip(), n
            if issubclass(obj, BaseException):
                continue
            for m, attr in vars(obj).items():
                if m.startswith("_"):
                    continue
                if isinstance(attr, staticmethod):
                    attr = attr.__func__
                assert _documented(attr), f"{n}.{m}"
        else:
            assert _documented(obj), n
    for n, attr in vars(_core.scaling).items():
        if n.startswith("_") or not callable(attr):
            continue
        if isinstance(attr, type):
            for m, a in vars(attr).items():
                if not m.startswith("_"):
                    assert _documented(a), f"scaling.{n}.{m}"
        else:
            assert _documented(attr), f"scaling.{n}"
    for n in curvecast.__all__:
        assert getattr(curvecast, n).__doc__, n
    for n in curvecast.scaling.__all__:
        assert getattr(curvecast.scaling, n).__doc__, n
