"""Just enough protocol-buffer encoding to write TensorBoard's messages by hand.

A protobuf message is a sequence of fields; each field is a *key* (field number and
wire type, as a varint) followed by its value:

* wire type 0 (varint): integers and bools, 7 bits per byte, low bits first;
* wire type 1 (64-bit): doubles, little-endian;
* wire type 5 (32-bit): floats;
* wire type 2 (length-delimited): strings, bytes, nested messages and packed
  repeated numbers: a varint length, then the bytes.

So ``Summary.Value(tag='loss', simple_value=0.5)`` is ``field(1, 'loss') +
float32(2, 0.5)``. The field numbers used below come from TensorBoard's ``.proto``
files (event.proto, summary.proto, graph.proto, ...), named at each message function.
No tensorflow or protobuf package is needed to write them.

Chapter 17 (TensorBoard and visdom) opens this file.
"""
import struct

import numpy as np


def varint(n):
    """An unsigned integer in 7-bit groups, low group first (negative: 64-bit two's)."""
    n &= (1 << 64) - 1
    out = bytearray()
    while True:
        low = n & 0x7F
        n >>= 7
        if n:
            out.append(low | 0x80)
        else:
            out.append(low)
            return bytes(out)


def key(number, wire_type):
    return varint((number << 3) | wire_type)


def int_field(number, value):
    """int32 / int64 / bool / enum field (skipped when 0, as protobuf does)."""
    return key(number, 0) + varint(int(value)) if value else b""


def double_field(number, value):
    return key(number, 1) + struct.pack("<d", float(value))


def float_field(number, value):
    return key(number, 5) + struct.pack("<f", float(value))


def bytes_field(number, value):
    """A string (encoded as UTF-8), bytes, or an already-encoded nested message."""
    if isinstance(value, str):
        value = value.encode("utf-8")
    return key(number, 2) + varint(len(value)) + bytes(value)


def packed_doubles(number, values):
    return bytes_field(number, np.asarray(values, dtype="<f8").tobytes())


# ----- messages (field numbers from tensorboard/compat/proto/*.proto) ------------------

def event(wall_time, step=0, summary=None, file_version=None, graph_def=None):
    """Event: wall_time=1 (double), step=2, file_version=3, graph_def=4, summary=5."""
    out = double_field(1, wall_time) + int_field(2, step)
    if file_version is not None:
        out += bytes_field(3, file_version)
    if graph_def is not None:
        out += bytes_field(4, graph_def)
    if summary is not None:
        out += bytes_field(5, summary)
    return out


def summary(*values):
    """Summary: repeated Value value=1."""
    return b"".join(bytes_field(1, v) for v in values)


def summary_value(tag, simple_value=None, image=None, histo=None, tensor=None,
                  metadata=None):
    """Summary.Value: tag=1, simple_value=2, image=4, histo=5, tensor=8, metadata=9."""
    out = bytes_field(1, tag)
    if simple_value is not None:
        out += float_field(2, simple_value)
    if image is not None:
        out += bytes_field(4, image)
    if histo is not None:
        out += bytes_field(5, histo)
    if tensor is not None:
        out += bytes_field(8, tensor)
    if metadata is not None:
        out += bytes_field(9, metadata)
    return out


def image(height, width, colorspace, png_bytes):
    """Summary.Image: height=1, width=2, colorspace=3, encoded_image_string=4."""
    return (int_field(1, height) + int_field(2, width) + int_field(3, colorspace)
            + bytes_field(4, png_bytes))


def histogram(vmin, vmax, num, total, sum_squares, bucket_limit, bucket):
    """HistogramProto: min=1 max=2 num=3 sum=4 sum_squares=5 bucket_limit=6 bucket=7."""
    return (double_field(1, vmin) + double_field(2, vmax) + double_field(3, num)
            + double_field(4, total) + double_field(5, sum_squares)
            + packed_doubles(6, bucket_limit) + packed_doubles(7, bucket))


def summary_metadata(plugin_name, content=b""):
    """SummaryMetadata: plugin_data=1 (PluginData: plugin_name=1, content=2)."""
    plugin = bytes_field(1, plugin_name) + (bytes_field(2, content) if content else b"")
    return bytes_field(1, plugin)


def tensor_shape(dims):
    """TensorShapeProto: repeated Dim dim=2 (Dim: size=1)."""
    return b"".join(bytes_field(2, int_field(1, d) if d else b"") for d in dims)


DT_FLOAT, DT_STRING = 1, 7


def string_tensor(strings):
    """TensorProto of DT_STRING: dtype=1, tensor_shape=2, string_val=8."""
    return (int_field(1, DT_STRING) + bytes_field(2, tensor_shape([len(strings)]))
            + b"".join(bytes_field(8, s) for s in strings))


def node_def(name, op, inputs=(), attrs=None):
    """NodeDef: name=1, op=2, repeated input=3, map<string, AttrValue> attr=5."""
    out = bytes_field(1, name) + bytes_field(2, op)
    out += b"".join(bytes_field(3, i) for i in inputs)
    for k, v in (attrs or {}).items():
        out += bytes_field(5, bytes_field(1, k) + bytes_field(2, v))
    return out


def attr_string(s):
    """AttrValue holding a string: s=2."""
    return bytes_field(2, s)


def attr_shapes(shapes):
    """AttrValue holding a list of shapes: list=1 (ListValue: repeated shape=7)."""
    return bytes_field(1, b"".join(bytes_field(7, tensor_shape(s)) for s in shapes))


def graph_def(nodes, producer=22):
    """GraphDef: repeated NodeDef node=1, versions=4 (VersionDef: producer=1)."""
    return b"".join(bytes_field(1, n) for n in nodes) + bytes_field(4, int_field(1, producer))
