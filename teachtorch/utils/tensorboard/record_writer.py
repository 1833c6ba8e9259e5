"""TFRecord event files: the file format TensorBoard reads.

An event file is a sequence of records. Each record is::

    uint64 length | uint32 masked_crc32c(length) | data | uint32 masked_crc32c(data)

(all little-endian), where data is one encoded ``Event`` message (see ``_proto.py``).
The CRC is CRC-32C (Castagnoli polynomial), "masked" by rotating it right 15 bits and
adding a constant, so that a CRC of data that itself contains CRCs looks random.

Chapter 17 (TensorBoard and visdom) opens this file.
"""
import atexit
import itertools
import os
import socket
import struct
import threading
import time
import weakref

import numpy as np

from teachtorch import _errors
from teachtorch.utils.tensorboard import _proto

_POLY = 0x82F63B78  # CRC-32C, bit-reflected


def _make_table():
    """table[b]: the CRC register after feeding byte b into a zero register."""
    crc = np.arange(256, dtype=np.uint32)
    for _ in range(8):
        crc = np.where(crc & 1, (crc >> 1) ^ np.uint32(_POLY), crc >> 1)
    return crc.astype(np.uint32)


_TABLE = _make_table()
_TABLE_LIST = _TABLE.tolist()
_BLOCK = 1024


def _feed(registers, columns):
    """Feed bytes into many independent CRC registers at once (one column per step)."""
    table = _TABLE
    for j in range(columns.shape[1]):
        registers = table[(registers ^ columns[:, j]) & 0xFF] ^ (registers >> 8)
    return registers


def _shift_tables():
    """Four byte tables that advance a register through _BLOCK zero bytes."""
    basis = np.arange(256, dtype=np.uint32)
    zeros = np.zeros((256, _BLOCK), dtype=np.uint32)
    return [_feed(basis << np.uint32(8 * k), zeros).tolist() for k in range(4)]


_SHIFT = []


def crc32c(data):
    """CRC-32C of bytes.

    Math: the register r starts at 0xFFFFFFFF; for each byte b,
          r = table[(r ^ b) & 0xFF] ^ (r >> 8); the result is r ^ 0xFFFFFFFF.
    Long inputs are cut into 1 KiB blocks whose CRCs NumPy computes side by side;
    CRC is linear, so block results combine by shifting through zero bytes.
    """
    data = memoryview(data).cast("B")
    n = len(data)
    if n < 4 * _BLOCK:
        crc, table = 0xFFFFFFFF, _TABLE_LIST
        for b in data.tobytes():
            crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
        return crc ^ 0xFFFFFFFF
    if not _SHIFT:
        _SHIFT.extend(_shift_tables())
    head = n % _BLOCK
    crc = crc32c_raw(data[:head], 0xFFFFFFFF)
    blocks = np.frombuffer(data[head:], dtype=np.uint8).reshape(-1, _BLOCK)
    parts = _feed(np.zeros(len(blocks), dtype=np.uint32), blocks.astype(np.uint32))
    t0, t1, t2, t3 = _SHIFT
    for part in parts.tolist():  # r(A + B) = shift(r(A), len B) ^ r0(B)
        crc = (t0[crc & 0xFF] ^ t1[(crc >> 8) & 0xFF] ^ t2[(crc >> 16) & 0xFF]
               ^ t3[crc >> 24] ^ part)
    return crc ^ 0xFFFFFFFF


def crc32c_raw(data, crc):
    """Feed bytes into a CRC register one at a time (no final xor)."""
    table = _TABLE_LIST
    for b in bytes(data):
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc


def masked_crc32c(data):
    """TFRecord's masked CRC: rotate right by 15 bits, add 0xA282EAD8 (mod 2**32)."""
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def encode_record(data):
    length = struct.pack("<Q", len(data))
    return (length + struct.pack("<I", masked_crc32c(length)) + data
            + struct.pack("<I", masked_crc32c(data)))


_uid = itertools.count()
_open_writers = weakref.WeakSet()


@atexit.register
def _flush_open_writers():
    """A script that never calls close() still leaves complete files behind."""
    for w in list(_open_writers):
        w.flush()


class EventFileWriter:
    """Appends Events to ``log_dir/events.out.tfevents.<time>.<host>.<pid>.<n><suffix>``.

    Records go into a buffered file; a background thread flushes it every
    ``flush_secs`` seconds so a running TensorBoard sees new points while training.
    Mirrors: tensorboard's EventFileWriter (used by torch.utils.tensorboard)
    """

    def __init__(self, log_dir, max_queue=10, flush_secs=120, filename_suffix=""):
        os.makedirs(log_dir, exist_ok=True)
        self.log_dir = log_dir
        name = (f"events.out.tfevents.{int(time.time()):010d}.{socket.gethostname()}."
                f"{os.getpid()}.{next(_uid)}{filename_suffix}")
        self.path = os.path.join(log_dir, name)
        self._file = open(self.path, "wb")  # noqa: SIM115 - closed in close()
        self._lock = threading.Lock()
        self._pending = 0
        self._max_queue = max_queue
        self._closed = False
        self.add_event(_proto.event(time.time(), file_version="brain.Event:2"))
        self.flush()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._flush_every, args=(flush_secs,),
                                        daemon=True, name="teachtorch-tb-flush")
        self._thread.start()
        _open_writers.add(self)

    def _flush_every(self, seconds):
        while not self._stop.wait(seconds):
            self.flush()

    def get_logdir(self):
        return self.log_dir

    def add_event(self, encoded_event):
        with self._lock:
            if self._closed:
                raise RuntimeError(_errors.hint("add to a SummaryWriter after close()", "make a "
                                   "new SummaryWriter, or call close() only at the end."))
            self._file.write(encode_record(encoded_event))
            self._pending += 1
        if self._pending > self._max_queue:
            self.flush()

    def flush(self):
        with self._lock:
            if not self._closed:
                self._file.flush()
                self._pending = 0

    def close(self):
        if self._closed:
            return
        self._stop.set()
        self._thread.join()
        with self._lock:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            self._closed = True
