"""Reading the real on-disk formats of the vision data sets, safely.

- IDX (MNIST, FashionMNIST): a big-endian header ``0 0 type ndim``, the sizes, then the
  raw numbers. Gzipped or not.
- CIFAR python batches: pickled dicts of a uint8 array and a label list. A pickle can
  run any code when loaded, so ``load_pickle`` uses an Unpickler that only rebuilds
  NumPy arrays (plus the dicts, lists, strings and numbers pickle builds itself).

Nothing here downloads; a missing file raises an error naming it and where it goes.
"""
from teachtorch import _errors
import gzip
import pickle
from pathlib import Path

import numpy as np

# IDX type byte -> big-endian NumPy dtype (the IDX format's table)
IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4",
             0x0E: ">f8"}


def read_bytes(file):
    """All bytes of a file; ``.gz`` files are decompressed."""
    file = Path(file)
    if file.suffix == ".gz":
        with gzip.open(file, "rb") as f:
            return f.read()
    return file.read_bytes()


def read_idx(file, expected_magic=None):
    """An IDX file as a NumPy array in native byte order.

    Math: magic = 256 * type + ndim; then ndim big-endian int32 sizes; then the data.
    Mirrors: torchvision.datasets.mnist.read_sn3_pascalvincent_tensor
    """
    raw = read_bytes(file)
    magic = int.from_bytes(raw[0:4], "big")
    if expected_magic is not None and magic != expected_magic:
        raise RuntimeError(
            _errors.hint(f"{file}: IDX magic number is {magic}, expected {expected_magic}", "images files start with 2051 and label files with 2049; check that the "
            "file is not swapped with another one or damaged."))
    type_code, ndim = (magic >> 8) & 0xFF, magic & 0xFF
    if raw[0:2] != b"\x00\x00" or type_code not in IDX_TYPES:
        raise RuntimeError(_errors.hint(f"{file} is not an IDX file (magic {magic})", "expected an MNIST-style file such as "
                           "t10k-images-idx3-ubyte(.gz)."))
    sizes = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    dtype = np.dtype(IDX_TYPES[type_code])
    count = int(np.prod(sizes))
    offset = 4 + 4 * ndim
    if len(raw) - offset < count * dtype.itemsize:
        raise RuntimeError(_errors.hint(f"{file} is truncated: header says {sizes}, but only "
                           f"{len(raw) - offset} bytes of data follow", "copy the "
                           "file again."))
    data = np.frombuffer(raw, dtype=dtype, count=count, offset=offset)
    return data.astype(dtype.newbyteorder("="), copy=True).reshape(sizes)


def find_file(folders, name):
    """The first of ``folder/name`` or ``folder/name.gz`` that exists, else None."""
    for folder in folders:
        for candidate in (name, name + ".gz"):
            p = Path(folder) / candidate
            if p.is_file():
                return p
    return None


# ----- pickle, restricted ----------------------------------------------------------
_RECONSTRUCT = np.zeros(1).__reduce__()[0]  # numpy's array rebuilder
_SCALAR = np.int64(0).__reduce__()[0]  # numpy's scalar rebuilder


def _latin1_encode(text, encoding="latin1"):
    """pickle protocol 2 writes bytes as _codecs.encode(str, 'latin1')."""
    if encoding not in ("latin1", "latin-1"):
        raise pickle.UnpicklingError(f"encoding {encoding!r} is not allowed")
    return text.encode("latin1")


_ALLOWED = {
    ("numpy.core.multiarray", "_reconstruct"): _RECONSTRUCT,
    ("numpy._core.multiarray", "_reconstruct"): _RECONSTRUCT,
    ("numpy.core.multiarray", "scalar"): _SCALAR,
    ("numpy._core.multiarray", "scalar"): _SCALAR,
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
    ("_codecs", "encode"): _latin1_encode,
}


class SafeUnpickler(pickle.Unpickler):
    """An Unpickler that can only rebuild NumPy arrays and plain containers.

    Any other global (``os.system``, a class, ...) raises ``pickle.UnpicklingError``
    instead of being called, so a hostile file cannot run code.
    """

    def find_class(self, module, name):
        fn = _ALLOWED.get((module, name))
        if fn is None:
            raise pickle.UnpicklingError(
                _errors.hint(f"global '{module}.{name}' is forbidden", "teachtorch reads CIFAR "
                "batches without running pickle code; only NumPy arrays, dicts, lists, "
                "str, bytes and numbers may appear in the file."))
        return fn


def load_pickle(file):
    """A CIFAR-style pickled dict, with bytes keys (python 2 files) turned into str."""
    with open(file, "rb") as f:
        obj = SafeUnpickler(f, encoding="latin1").load()
    if isinstance(obj, dict):
        obj = {(k.decode("latin1") if isinstance(k, bytes) else k): v
               for k, v in obj.items()}
    return obj
