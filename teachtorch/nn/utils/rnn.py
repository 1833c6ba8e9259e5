"""Variable-length sequences: pad_sequence, pack_padded_sequence, pad_packed_sequence.

A batch of names of different lengths is stored *packed*: time step by time step, only
the sequences still running, longest first. ``batch_sizes[t]`` says how many rows time
step t has. An RNN that reads a PackedSequence never computes on padding, and its h_n
holds each sequence's hidden state at its own last character.
Chapter 13 (names classifier with a bidirectional GRU) opens this file.
"""
from collections import namedtuple

import numpy as np

from teachtorch import _errors
from teachtorch._backend import get_array_module, to_numpy
from teachtorch.autograd.function import Function
from teachtorch.ops._util import make as _tensor


class PackedSequence(namedtuple("PackedSequence_", ["data", "batch_sizes",
                                                    "sorted_indices",
                                                    "unsorted_indices"])):
    """Packed rows ``data`` (sum of lengths, *), with ``batch_sizes`` per time step.

    ``sorted_indices[i]`` is the original batch position of the i-th longest sequence;
    ``unsorted_indices`` undoes it (None when the batch came in already sorted).
    Mirrors: torch.nn.utils.rnn.PackedSequence
    """

    def __new__(cls, data, batch_sizes=None, sorted_indices=None,
                unsorted_indices=None):
        if unsorted_indices is None and sorted_indices is not None:
            xp = get_array_module(sorted_indices._data)
            unsorted_indices = _tensor(xp.argsort(sorted_indices._data))
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs):
        """data moved/cast; the index tensors follow data's device (batch_sizes stays
        on the CPU), as in PyTorch."""
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        move = (lambda t: None if t is None else t.to(data.device))
        return type(self)(data, self.batch_sizes, move(self.sorted_indices),
                          move(self.unsorted_indices))

    def cpu(self):
        return self.to("cpu")

    def float(self):
        return self.to(self.data.float().dtype)

    def double(self):
        return self.to(self.data.double().dtype)

    @property
    def is_cuda(self):
        return self.data.is_cuda

    def is_pinned(self):
        return False


class PackPadded(Function):
    """Gather the running rows of a padded batch, time step by time step.

    Math: data[k] = input[t_k, b_k];  d input[t_k, b_k] = d data[k], 0 on padding
    Mirrors: torch._pack_padded_sequence, grad_fn PackPaddedSequenceBackward0
    """
    _raw = True
    node_name = "PackPaddedSequenceBackward0"

    @staticmethod
    def forward(ctx, x, flat, batch_first):
        xp = get_array_module(x)
        ctx.shape, ctx.flat = x.shape, xp.asarray(flat)
        t_b = x.shape[0] * x.shape[1]
        return xp.ascontiguousarray(x.reshape(t_b, *x.shape[2:])[ctx.flat])

    @staticmethod
    def backward(ctx, grad_output):  # unpacking is packing's adjoint (and vice versa)
        return PadPacked.apply(grad_output, ctx.flat, ctx.shape[:2], 0.0)


class PadPacked(Function):
    """Scatter packed rows back into a (T, B, *) block filled with padding_value.

    Math: out[t_k, b_k] = data[k];  d data[k] = d out[t_k, b_k]
    Mirrors: torch._pad_packed_sequence
    """
    _raw = True
    node_name = "PadPackedSequenceBackward0"

    @staticmethod
    def forward(ctx, data, flat, shape, padding_value):
        xp = get_array_module(data)
        rows = shape[0] * shape[1]
        out = xp.full((rows,) + data.shape[1:], padding_value, data.dtype)
        ctx.flat = xp.asarray(flat)
        out[ctx.flat] = data
        return out.reshape(tuple(shape) + data.shape[1:])

    @staticmethod
    def backward(ctx, grad_output):  # packing is unpacking's adjoint (and vice versa)
        return PackPadded.apply(grad_output, ctx.flat, None)


class PadSequence(Function):
    """Stack sequences of different lengths into one block, padding the short ones.

    Math: out[:len_i, i] = seq_i (batch_first: out[i, :len_i]);  d seq_i = its slice
    Mirrors: torch.nn.utils.rnn.pad_sequence
    """
    _raw = True
    node_name = "PadSequenceBackward0"

    @staticmethod
    def forward(ctx, *seqs, batch_first=False, padding_value=0.0, left=False):
        xp = get_array_module(seqs[0])
        t_max = max(s.shape[0] for s in seqs)
        dtype = np.result_type(*[s.dtype for s in seqs])
        out = xp.full((len(seqs), t_max) + seqs[0].shape[1:], padding_value, dtype)
        for i, s in enumerate(seqs):      # one slice copy per sequence
            if left:
                out[i, t_max - s.shape[0]:] = s
            else:
                out[i, :s.shape[0]] = s
        ctx.args = ([s.shape[0] for s in seqs], t_max, batch_first, left)
        return out if batch_first else xp.ascontiguousarray(out.swapaxes(0, 1))

    @staticmethod
    def backward(ctx, grad_output):  # each sequence's slice, as Tensor ops
        lengths, t_max, batch_first, left = ctx.args
        g = grad_output if batch_first else grad_output.transpose(0, 1)
        return tuple((g[i, t_max - n:] if left else g[i, :n]).contiguous()
                     for i, n in enumerate(lengths))


def _lengths_array(lengths):
    from teachtorch.tensor import Tensor

    if isinstance(lengths, Tensor):
        return np.asarray(to_numpy(lengths._data), dtype=np.int64).reshape(-1)
    return np.asarray(lengths, dtype=np.int64).reshape(-1)


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Pack a padded batch (T, B, *) (or (B, T, *)) given each sequence's length.

    Mirrors: torch.nn.utils.rnn.pack_padded_sequence
    """
    lengths = _lengths_array(lengths)
    if enforce_sorted:
        if np.any(np.diff(lengths) > 0):
            raise RuntimeError(
                _errors.hint("`lengths` array must be sorted in decreasing order when "
                "`enforce_sorted` is True. You can pass `enforce_sorted=False` to "
                "pack_padded_sequence and/or pack_sequence to sidestep this "
                "requirement if you do not need ONNX exportability.", "got lengths "
                f"{lengths.tolist()}; sort the batch by length (longest first) or pass "
                "enforce_sorted=False and the RNN will restore the original order."))
        sorted_indices = None
    else:
        order = np.argsort(-lengths, kind="stable")
        sorted_indices = _tensor(order).to(input.device)  # on the input's device
        lengths = lengths[order]
    if lengths.size and lengths.min() <= 0:
        raise RuntimeError(
            _errors.hint("Length of all samples has to be greater than 0, but found an element in "
            "'lengths' that is <= 0", "drop empty sequences from the batch."))
    n_batch = input.shape[0 if batch_first else 1]
    t_total = input.shape[1 if batch_first else 0]
    if int(lengths.max()) > t_total:
        raise RuntimeError(
            _errors.hint(f"Expected sequence length to be at most {t_total}, but got a sequence of "
            f"length {int(lengths.max())}", "lengths must not exceed the padded "
            "length of the input."))
    batch_pos = np.arange(n_batch) if sorted_indices is None else order
    running = np.arange(int(lengths.max()))[:, None] < lengths[None, :]   # (T, B)
    tt, bb = np.nonzero(running)            # time step by time step, longest first
    b = batch_pos[bb]                       # where that sequence sits in the input
    flat = b * t_total + tt if batch_first else tt * n_batch + b
    batch_sizes = running.sum(axis=1)
    data = PackPadded.apply(input, flat, batch_first)
    return PackedSequence(data, _tensor(batch_sizes.astype(np.int64)), sorted_indices,
                          None)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0,
                        total_length=None):
    """Undo pack_padded_sequence: (padded (T, B, *), int64 lengths), original order.

    Mirrors: torch.nn.utils.rnn.pad_packed_sequence
    """
    bs = np.asarray(sequence.batch_sizes._data, dtype=np.int64)
    n_batch, t_max = int(bs[0]), len(bs)
    if total_length is not None:
        if total_length < t_max:
            raise ValueError(
                _errors.hint("Expected total_length to be at least the length of the longest "
                f"sequence in input, but got total_length={total_length} and max "
                f"sequence length being {t_max}", "total_length pads the output "
                "up to a fixed length; it cannot cut sequences shorter."))
        t_max = total_length
    lengths = (bs[None, :] > np.arange(n_batch)[:, None]).sum(axis=1)  # sorted order
    unsorted = (None if sequence.unsorted_indices is None
                else to_numpy(sequence.unsorted_indices._data))  # host copy
    position = (np.argsort(unsorted) if unsorted is not None
                else np.arange(n_batch))        # sorted i -> original position
    t = np.arange(len(bs))[:, None]
    tt, ii = np.nonzero(t < lengths[None, :])
    bb = position[ii]
    flat = bb * t_max + tt if batch_first else tt * n_batch + bb
    shape = (n_batch, t_max) if batch_first else (t_max, n_batch)
    out = PadPacked.apply(sequence.data, flat, shape, padding_value)
    if unsorted is not None:
        lengths = lengths[unsorted]
    return out, _tensor(lengths.astype(np.int64))   # on the CPU, as in PyTorch


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Pad a list of (L_i, *) tensors into (max L, B, *) (or (B, max L, *)).

    Mirrors: torch.nn.utils.rnn.pad_sequence
    """
    if len(sequences) == 0:
        raise RuntimeError(_errors.hint("received an empty list of sequences", "pass at least "
                           "one (L, *) tensor."))
    return PadSequence.apply(*sequences, batch_first=batch_first,
                             padding_value=padding_value, left=padding_side == "left")


def pack_sequence(sequences, enforce_sorted=True):
    """pad_sequence, then pack_padded_sequence.

    Mirrors: torch.nn.utils.rnn.pack_sequence
    """
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths,
                                enforce_sorted=enforce_sorted)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """Split a padded batch back into a list of tensors of the given lengths."""
    lengths = _lengths_array(lengths)
    x = padded_sequences if batch_first else padded_sequences.transpose(0, 1)
    return [x[i, :int(n)] for i, n in enumerate(lengths)]


def unpack_sequence(packed_sequences):
    """A list of tensors from a PackedSequence.

    Mirrors: torch.nn.utils.rnn.unpack_sequence
    """
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
