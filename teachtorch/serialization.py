"""Saving and loading: teachtorch.save / teachtorch.load, and plain pickle of tensors.

``teachtorch.save(obj, f)`` writes PyTorch's own file format, so ``torch.load`` reads
it, and ``teachtorch.load`` reads files written by ``torch.save``. The format is a zip
archive (entries stored, not compressed)::

    model/data.pkl        the pickled object; tensors appear as persistent ids
    model/byteorder       'little'
    model/data/0, 1, ...  the raw bytes of each storage (64-byte aligned)
    model/version         '3'

Tensors that share a storage (a tensor and its view, tied weights) point at the same
``data/<key>`` record, so they share memory again after loading, in either library.
The pickle part lives in ``_torch_pickle.py``; ``load`` never runs code named in the
file unless ``weights_only=False``.

Plain ``pickle.dumps(t)`` / ``copy.deepcopy`` / DataLoader workers go through
:func:`reduce_tensor` (``_pickle_tensor.py``) instead.

Chapter 15 (optimizers, train/eval, state_dict) opens this file.
"""
import io
import os
import struct
import tempfile
import zipfile
import zlib

import numpy as np

from teachtorch import _backend, _errors, _torch_pickle
from teachtorch._pickle_tensor import _storage_array, _view_args, reduce_tensor  # noqa: F401

ALIGNMENT = 64  # torch aligns each storage record to 64 bytes (needed for mmap)


# ----- save ------------------------------------------------------------------------

class _StorageTable:
    """Gives each distinct storage array a key ('0', '1', ...) while pickling."""

    def __init__(self):
        self.refs = {}      # id(storage array) -> StorageRef
        self.keep = []      # the arrays themselves, so ids stay unique while we work

    def ref(self, array, location):
        ref = self.refs.get(id(array))
        if ref is None:
            host = np.ascontiguousarray(_backend.to_numpy(array))
            ref = _torch_pickle.StorageRef(str(len(self.refs)), host, location)
            self.refs[id(array)] = ref
            self.keep.append(array)
        return ref

    def __call__(self, t):
        """(StorageRef, offset, shape, strides) for tensor t."""
        data = t._data
        index = _backend.array_device_index(data)
        location = "cpu" if index is None else f"cuda:{index}"
        root = _storage_array(t)
        view = (0, data.shape, _contiguous_strides(data.shape)) if root is data and \
            data.flags.c_contiguous else _view_args(data, root)
        if view is None:  # an odd layout: save this tensor's values as a new storage
            root = _backend.get_array_module(data).ascontiguousarray(data)
            view = (0, data.shape, _contiguous_strides(data.shape))
        offset, shape, strides = view
        return self.ref(root, location), offset, shape, strides


def _contiguous_strides(shape):
    strides, step = [], 1
    for n in reversed(shape):
        strides.append(step)
        step *= max(n, 1)
    return tuple(reversed(strides))


def _write_record(zf, name, payload):
    """Add one stored (uncompressed) entry whose bytes start on a 64-byte boundary."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    view = memoryview(payload).cast("B")
    info.file_size = view.nbytes
    zip64 = view.nbytes * 1.05 > zipfile.ZIP64_LIMIT  # zipfile's own rule
    start = zf.fp.tell() + 30 + len(name.encode("utf-8")) + (20 if zip64 else 0) + 4
    pad = -start % ALIGNMENT
    info.extra = b"FB" + struct.pack("<H", pad) + b"Z" * pad
    with zf.open(info, "w", force_zip64=zip64) as out:
        out.write(view)


def _write_archive(obj, fh, archive_name, pickle_protocol):
    table = _StorageTable()
    buf = io.BytesIO()
    _torch_pickle.TorchPickler(buf, table, protocol=pickle_protocol).dump(obj)
    with zipfile.ZipFile(fh, "w", zipfile.ZIP_STORED) as zf:
        prefix = archive_name + "/"
        _write_record(zf, prefix + "data.pkl", buf.getbuffer())
        _write_record(zf, prefix + ".format_version", b"1")
        _write_record(zf, prefix + ".storage_alignment", str(ALIGNMENT).encode())
        _write_record(zf, prefix + "byteorder", b"little")
        for ref in table.refs.values():
            arr = ref.array if ref.array.dtype.byteorder != ">" else \
                ref.array.astype(ref.array.dtype.newbyteorder("<"))
            _write_record(zf, f"{prefix}data/{ref.key}", arr.reshape(-1).view(np.uint8))
        _write_record(zf, prefix + "version", b"3\n")
        serial = str(int.from_bytes(os.urandom(17), "little")).zfill(40)[:40]
        _write_record(zf, prefix + ".data/serialization_id", serial.encode())


def save(obj, f, pickle_module=None, pickle_protocol=2,
         _use_new_zipfile_serialization=True, _disable_byteorder_record=False):
    """Write obj (a tensor, a state_dict, a checkpoint dict, a whole model) to f.

    f is a path or a binary file object (io.BytesIO). A path is written atomically:
    to a temporary file in the same folder, flushed to disk, then renamed over the
    target, so a crash half way never leaves a truncated file behind.

    Mirrors: torch.save (the file is readable by torch.load)
    """
    if not _use_new_zipfile_serialization:
        raise NotImplementedError(
            _errors.hint("teachtorch writes only the zip file format", "drop "
            "_use_new_zipfile_serialization=False; torch has read zip files since 1.6."))
    if not isinstance(f, (str, bytes, os.PathLike)):
        _write_archive(obj, f, "archive", pickle_protocol)
        return
    path = os.path.abspath(os.fsdecode(f))
    folder, base = os.path.split(path)
    if not os.path.isdir(folder):
        raise RuntimeError(
            _errors.hint(f"Parent directory {os.path.dirname(os.fsdecode(f))} does not exist.", f"create it first: os.makedirs({folder!r}, exist_ok=True)"))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix="." + base + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            _write_archive(obj, fh, os.path.splitext(base)[0] or "archive",
                           pickle_protocol)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _new_file_mode(path))
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _new_file_mode(path):
    """The permissions open(path, 'wb') would have given (mkstemp makes 0600)."""
    if os.path.exists(path):
        return os.stat(path).st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


# ----- what weights_only=True may load ------------------------------------------------

def add_safe_globals(safe_globals):
    """Trust these classes/functions in files loaded with weights_only=True.

    Mirrors: torch.serialization.add_safe_globals
    """
    for obj in safe_globals:
        if obj not in _torch_pickle.USER_SAFE_GLOBALS:
            _torch_pickle.USER_SAFE_GLOBALS.append(obj)


def get_safe_globals():
    return list(_torch_pickle.USER_SAFE_GLOBALS)


def clear_safe_globals():
    _torch_pickle.USER_SAFE_GLOBALS.clear()


class safe_globals:  # PyTorch's (lowercase) name
    """``with safe_globals([MyClass]): load(f)`` trusts MyClass inside the block only.

    Mirrors: torch.serialization.safe_globals
    """

    def __init__(self, safe_globals):
        self.safe_globals = list(safe_globals)

    def __enter__(self):
        self.before = get_safe_globals()
        add_safe_globals(self.safe_globals)

    def __exit__(self, *exc):
        _torch_pickle.USER_SAFE_GLOBALS[:] = self.before


# ----- load ------------------------------------------------------------------------

def _stream_error(what, hint):
    return RuntimeError(
        _errors.hint(f"PytorchStreamReader failed {what}. This is an internal miniz error. If you are "
        "seeing this error, there is a high likelihood that your checkpoint file is "
        "corrupted. This can happen if the checkpoint was not saved properly, was "
        "transferred incorrectly, or the file was modified after saving.", hint))


def _cuda_error():
    return RuntimeError(
        _errors.hint("Attempting to deserialize object on a CUDA device but torch.cuda.is_available() "
        "is False. If you are running on a CPU-only machine, please use torch.load with "
        "map_location=torch.device('cpu') to map your storages to the CPU.", "this "
        "file was saved from tensors on a GPU and there is no GPU here. Load it with "
        "torch.load(PATH, map_location='cpu') (or map_location=device)."))


def _to_location(array, location):
    """Put a loaded storage array on 'cpu' or 'cuda:N'."""
    from teachtorch.device import device

    dev = device(location)
    if dev.type == "cpu":
        return _backend.to_numpy(array)
    if dev.type != "cuda":
        raise RuntimeError(_errors.hint(f"teachtorch cannot load storages onto {location}", "use "
                           "map_location='cpu' (or 'cuda' where CuPy sees a GPU)."))
    if not _backend.is_cuda_available():
        raise _cuda_error()
    index = dev.index or 0
    if index >= _backend.device_count():
        raise RuntimeError(
            _errors.hint(f"Attempting to deserialize object on CUDA device {index} but "
            f"torch.cuda.device_count() is {_backend.device_count()}. Please use "
            "torch.load with map_location to map your storages to an existing device.", "map_location='cuda:0' puts everything on the first GPU."))
    return _backend.to_cupy(array, index)


def _restore(array, dtype, location, map_location):
    """Apply map_location (None, str, device, dict or callable) to one storage."""
    from teachtorch.device import device
    from teachtorch.storage import TypedStorage

    if map_location is None:
        return _to_location(array, location)
    if isinstance(map_location, (str, device)):
        return _to_location(array, str(map_location))
    if isinstance(map_location, dict):
        return _to_location(array, str(map_location.get(location, location)))
    if callable(map_location):
        result = map_location(TypedStorage(array, dtype), location)
        if result is None:
            return _to_location(array, location)
        return result._root
    raise TypeError(_errors.hint("map_location should be a str, torch.device, dict or callable, not "
                    f"{type(map_location).__name__}", "map_location='cpu'"))


class _Reader:
    """Reads storage records out of an open zip archive (optionally memory-mapped)."""

    def __init__(self, zf, fh, prefix, mapped, map_location, big_endian):
        self.zf, self.fh, self.prefix, self.mapped = zf, fh, prefix, mapped
        self.map_location, self.big_endian = map_location, big_endian
        self.loaded = {}

    def _record_offset(self, info):
        self.fh.seek(info.header_offset)
        head = self.fh.read(30)
        if len(head) != 30 or head[:4] != b"PK\x03\x04":
            raise _stream_error(f"reading file {info.filename}: invalid header",
                                "the file is damaged; save it again.")
        name_len, extra_len = struct.unpack("<HH", head[26:30])
        return info.header_offset + 30 + name_len + extra_len

    def _read_record(self, name, dtype, numel):
        try:
            info = self.zf.getinfo(f"{self.prefix}/data/{name}")
        except KeyError:
            raise _stream_error(f"locating file data/{name}: file not found",
                                "the archive is incomplete; save it again.") from None
        npd = np.dtype(dtype.np).newbyteorder(">" if self.big_endian else "<")
        if info.file_size != numel * npd.itemsize:
            raise _stream_error(f"reading file data/{name}: wrong size",
                                "the archive is damaged; save it again.")
        if info.compress_type != zipfile.ZIP_STORED:
            array = np.frombuffer(self.zf.read(info), dtype=npd).copy()
        else:
            start = self._record_offset(info)
            if self.mapped is not None:
                array = np.frombuffer(self.mapped, dtype=npd, count=numel, offset=start)
            else:
                array = np.empty(numel, dtype=npd)
                self.fh.seek(start)
                got = self.fh.readinto(memoryview(array).cast("B"))
                if got != info.file_size:
                    raise _stream_error(f"reading file data/{name}: file read failed",
                                        "the file is truncated; save it again.")
            if zlib.crc32(memoryview(array).cast("B")) != info.CRC:
                raise _stream_error(f"reading file data/{name}: CRC-32 check failed",
                                    "the file was changed after saving; save it again.")
        if self.big_endian:
            array = array.astype(np.dtype(dtype.np))
        return array

    def __call__(self, key, dtype, location, numel):
        if key not in self.loaded:
            array = self._read_record(key, dtype, numel)
            self.loaded[key] = _restore(array, dtype, location, self.map_location)
        return self.loaded[key]


def tensor_from_storage(storage, offset, size, stride):
    """A Tensor looking into a loaded storage array at (offset, size, stride).

    Mirrors: torch._utils._rebuild_tensor
    """
    from teachtorch.tensor import Tensor

    size, stride = tuple(int(n) for n in size), tuple(int(s) for s in stride)
    n = storage.size
    numel = int(np.prod(size, dtype=np.int64)) if size else 1
    last = offset + sum((d - 1) * s for d, s in zip(size, stride))
    if (len(size) != len(stride) or offset < 0 or min(stride, default=0) < 0
            or min(size, default=0) < 0 or (numel and last >= n)):
        raise RuntimeError(
            _errors.hint(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset "
            f"{offset} are out of bounds for storage of {n} elements", "the file is "
            "damaged or was not written by torch.save / teachtorch.save."))
    xp = _backend.get_array_module(storage)
    item = storage.itemsize
    flat = storage.reshape(-1)
    data = xp.lib.stride_tricks.as_strided(
        flat[offset:] if numel else flat[:0], shape=size,
        strides=tuple(s * item for s in stride))
    if xp is np and 0 in stride and numel > 1:
        data.flags.writeable = False  # expanded memory, as teachtorch's expand makes
    t = Tensor._make(data)
    t._root = storage
    return t


def _open_zip(fh):
    try:
        zf = zipfile.ZipFile(fh)
        names = zf.namelist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise _stream_error(
            "reading zip archive: failed finding central directory",
            "this is not a complete torch.save file: it was cut short, damaged, or "
            "written in the pre-1.6 legacy format (re-save it with a current torch)."
        ) from None
    pkl = [n for n in names if n.endswith("/data.pkl") and n.count("/") == 1]
    if not pkl:
        raise _stream_error("locating file data.pkl: file not found",
                            "this zip file was not written by torch.save.")
    return zf, pkl[0].split("/")[0]


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None,
         **pickle_load_args):
    """Read an object saved with teachtorch.save or torch.save.

    weights_only=True (the default, as in torch >= 2.6) accepts only tensors and plain
    containers (dict, list, tuple, OrderedDict, numbers, strings): nothing named in the
    file is executed. weights_only=False also rebuilds whole pickled objects such as a
    saved model (its class must be importable): only for files you trust.
    map_location moves storages: 'cpu', a device, {'cuda:0': 'cpu'}, or
    fn(storage, location). mmap=True maps a file instead of reading it into memory.

    Mirrors: torch.load
    """
    if weights_only is None:
        weights_only = True
    is_path = isinstance(f, (str, bytes, os.PathLike))
    if mmap and not is_path:
        raise ValueError("f must be a file path in order to use the mmap argument")
    if not is_path and not hasattr(f, "seek"):  # an int, a list...: PyTorch's words
        raise AttributeError(_errors.hint(
            f"'{type(f).__name__}' object has no attribute 'seek'. You can only "
            "torch.load from a file that is seekable. Please pre-load the data into a "
            "buffer like io.BytesIO and try to load from it instead.",
            "pass a file name ('model.pt') or an open file (open('model.pt', 'rb'))."))
    fh = open(f, "rb") if is_path else f  # noqa: SIM115 - closed in finally below
    mapped = None
    try:
        for key in pickle_load_args:  # what pickle's Unpickler takes; else a typo
            if key not in ("encoding", "errors", "fix_imports", "buffers"):
                raise TypeError(_errors.hint("Unpickler.__init__() got an unexpected keyword "
                                f"argument '{key}'", "torch.load takes "
                                "map_location= and weights_only=."))
        zf, prefix = _open_zip(fh)
        if mmap:
            mapped = np.memmap(fh, dtype=np.uint8, mode="c")
        names = set(zf.namelist())
        order = prefix + "/byteorder"
        big = order in names and zf.read(order).strip() == b"big"
        reader = _Reader(zf, fh, prefix, mapped, map_location, big)
        pkl = io.BytesIO(zf.read(prefix + "/data.pkl"))
        return _torch_pickle.SafeUnpickler(pkl, reader, weights_only).load()
    finally:
        if is_path:
            fh.close()
