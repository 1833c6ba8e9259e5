"""The real data files shipped with teachtorch, and a checked way to open them.

Nothing downloads at run time: the files the chapters train on live in
``assets/data/`` in the repository (see ``assets/DATA.md`` for what they are, where
they come from and their licences), and an installed wheel carries the same files in
``teachtorch/_course/data/`` (setup.py puts them there). Each one is listed here with
its SHA-256, and
``path(name)`` hands out a file only after checking that its bytes are the ones we
shipped (once per process), so a truncated copy fails loudly instead of training on
half a data set.

    >>> from teachtorch import data_files
    >>> p = data_files.path("mnist/t10k-labels-idx1-ubyte.gz")
    >>> p.name
    't10k-labels-idx1-ubyte.gz'

Chapter 08 (Dataset/DataLoader) opens this file.
"""
import gzip
import hashlib
import os
from pathlib import Path

from teachtorch._errors import hint

# name (relative to assets/data) -> SHA-256 of the file's bytes
FILES = {
    "mnist/t10k-images-idx3-ubyte.gz":
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "mnist/t10k-labels-idx1-ubyte.gz":
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
    "diabetes/diabetes.csv.gz":
        "398214d0f6b7f4a722f598d8e424f28bc078abbd16ebdeea0f8e264492325aa4",
    "names/names_train.csv.gz":
        "49b4bf41dce5bfeac989b46ca37cf7baccd9a0d2a855df82f86de67a9376268f",
    "names/names_test.csv.gz":
        "57d7758db533a42c99d513b2341a7e7b0f55c1e0e7d233b1ef6a4fa2f1adf753",
}

_verified = {}  # name -> Path, filled on the first successful check


def asset_dir():
    """The folder holding the shipped data.

    In a source checkout: ``<repo>/assets/data``. From an installed wheel:
    ``teachtorch/_course/data`` inside the package. ``TEACHTORCH_DATA`` in the
    environment points somewhere else (a copy of the same files).
    """
    env = os.environ.get("TEACHTORCH_DATA")
    if env:
        return Path(env)
    package = Path(__file__).resolve().parent
    checkout = package.parent / "assets" / "data"
    if checkout.is_dir():
        return checkout
    return package / "_course" / "data"


def sha256(file):
    """The SHA-256 of a file's bytes, as 64 hex digits (read in 1 MiB chunks)."""
    h = hashlib.sha256()
    with Path(file).open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def names():
    """The names ``path()`` accepts, in table order."""
    return list(FILES)


def path(name):
    """The checked path of a shipped file, e.g. ``path("diabetes/diabetes.csv.gz")``.

    Raises FileNotFoundError when the file is missing and RuntimeError when its
    SHA-256 differs from the one recorded here; both say what to do.
    """
    if name in _verified:
        return _verified[name]
    if name not in FILES:
        raise KeyError(hint(f"{name!r} is not a shipped data file",
                            f"the shipped files are {', '.join(FILES)} (see "
                            "assets/DATA.md)."))
    file = asset_dir() / name
    if not file.is_file():
        raise FileNotFoundError(hint(
            f"[Errno 2] No such file or directory: '{file}'",
            f"reinstall teachtorch (pip install --force-reinstall teachtorch), or copy "
            f"{name} from the repository's assets/data/ to that place, or set "
            "TEACHTORCH_DATA to the folder that holds it."))
    digest = sha256(file)
    if digest != FILES[name]:
        raise RuntimeError(hint(
            f"SHA-256 mismatch for {file}: expected {FILES[name]}, got {digest}",
            "the file is damaged or was replaced; copy it again from the repository "
            "(git checkout of assets/data) or reinstall teachtorch, and do not edit "
            "it."))
    _verified[name] = file
    return file


def open(name, mode="rb"):
    """Open a shipped file after checking it; ``.gz`` files are decompressed.

    ``mode`` is "rb" (bytes) or "rt" (text, UTF-8).
    """
    file = path(name)
    if mode not in ("rb", "rt"):
        raise ValueError(hint(f"mode must be 'rb' or 'rt', got {mode!r}",
                              "shipped files are read-only."))
    if file.suffix == ".gz":
        return gzip.open(file, mode, **({"encoding": "utf-8"} if mode == "rt" else {}))
    return file.open(mode, **({"encoding": "utf-8"} if mode == "rt" else {}))
