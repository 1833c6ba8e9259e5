"""Recurrent layers: RNN, LSTM, GRU (their single-step cells are in rnn_cell.py).

The parameters carry PyTorch's names (weight_ih_l0, weight_hh_l0, bias_ih_l0,
bias_hh_l0, ..._reverse) and gate order (LSTM i, f, g, o; GRU r, z, n), so a
state_dict moves between teachtorch and PyTorch unchanged. The arithmetic is in
``teachtorch/ops/rnn.py``: ``rnn_reference`` loops over the cell equations; by
default a fast kernel computes the same in one fused node.
Chapter 12 (RNN basics) and chapter 13 (names classifier) open this file.
"""
import math
import warnings

import numpy as np

from teachtorch import _errors, creation, dtypes, random
from teachtorch.autograd import grad_mode
from teachtorch.nn.modules.module import Module
from teachtorch.nn.parameter import Parameter
from teachtorch.nn.utils.rnn import PackedSequence
from teachtorch.ops.rnn import GATES, rnn_reference, rnn_stack


def _uniform_parameters(module, bound):
    """Every weight and bias ~ U(-bound, bound), as PyTorch's reset_parameters."""
    rng = random.rng()
    with grad_mode.no_grad():
        for p in module.parameters():
            p._data[...] = rng.uniform(-bound, bound, p.shape).astype(p._data.dtype)


def _new_param(shape, dtype):
    return Parameter(creation.empty(*shape, dtype=dtype))


class RNNBase(Module):
    """What RNN, LSTM and GRU share: the stack of layers and directions.

    Mirrors: torch.nn.RNNBase
    """
    __reference__ = rnn_reference

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False, proj_size=0,
                 device=None, dtype=None):
        super().__init__()
        if not isinstance(dropout, (int, float)) or not 0 <= dropout <= 1 \
                or isinstance(dropout, bool):
            raise ValueError(_errors.hint("dropout should be a number in range [0, 1] representing "
                             "the probability of an element being zeroed", "e.g. "
                             "dropout=0.2"))
        if isinstance(num_layers, int) and num_layers <= 0:
            raise ValueError(_errors.hint("num_layers must be greater than zero", "one layer is "
                             "num_layers=1."))
        if dropout > 0 and num_layers == 1:
            warnings.warn(
                "dropout option adds dropout after all but last recurrent layer, so "
                "non-zero dropout expects num_layers greater than 1, but got "
                f"dropout={dropout} and num_layers={num_layers}")
        if proj_size:
            raise NotImplementedError(_errors.hint("proj_size is not supported in teachtorch", "add a Linear layer after the LSTM instead."))
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        dtype = dtype or dtypes.get_default_dtype()
        gate_size = GATES[mode] * hidden_size
        dirs = 2 if bidirectional else 1
        self._flat_weights_names = []
        for layer in range(num_layers):
            layer_in = input_size if layer == 0 else hidden_size * dirs
            for d in range(dirs):
                suffix = "_reverse" if d == 1 else ""
                shapes = [("weight_ih", (gate_size, layer_in)),
                          ("weight_hh", (gate_size, hidden_size))]
                if bias:
                    shapes += [("bias_ih", (gate_size,)), ("bias_hh", (gate_size,))]
                for name, shape in shapes:
                    full = f"{name}_l{layer}{suffix}"
                    setattr(self, full, _new_param(shape, dtype))
                    self._flat_weights_names.append(full)
        self.reset_parameters()

    def reset_parameters(self):
        _uniform_parameters(self, 1.0 / math.sqrt(self.hidden_size)
                            if self.hidden_size > 0 else 0)

    @property
    def _flat_weights(self):
        return [getattr(self, n) for n in self._flat_weights_names]

    @property
    def all_weights(self):
        per = 4 if self.bias else 2
        w = self._flat_weights
        return [w[i:i + per] for i in range(0, len(w), per)]

    def flatten_parameters(self):
        """A no-op: teachtorch's weights are always ready to use."""

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout:g}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s

    def _check_hidden(self, h, expected, which):
        if tuple(h.shape) != expected:
            raise RuntimeError(
                _errors.hint(f"Expected {which} size {expected}, got {list(h.shape)}", "the "
                "initial state is (num_layers * num_directions, batch, hidden_size) = "
                f"{expected}; it does not follow batch_first."))

    def forward(self, input, hx=None):
        name = type(self).__name__
        lstm = self.mode == "LSTM"
        packed = isinstance(input, PackedSequence)
        batch_dim = 0 if self.batch_first else 1
        unbatched = False
        if packed:
            data = input.data
            batch_sizes = np.asarray(input.batch_sizes._data, dtype=np.int64)
            max_batch = int(batch_sizes[0])
            sorted_idx = input.sorted_indices
        else:
            data = input
            if input.dim() not in (2, 3):
                raise ValueError(_errors.hint(f"{name}: Expected input to be 2D or 3D, got "
                                 f"{input.dim()}D instead", "(seq_len, batch, "
                                 "input_size), or (batch, seq_len, input_size) with "
                                 "batch_first=True."))
            unbatched = input.dim() == 2
            if unbatched:
                input = input.unsqueeze(batch_dim)
            batch_sizes, sorted_idx = None, None
            max_batch = input.shape[batch_dim]
        if data.shape[-1] != self.input_size:
            raise RuntimeError(
                _errors.hint("input.size(-1) must be equal to input_size. Expected "
                f"{self.input_size}, got {data.shape[-1]}", "the last dimension "
                "of the input is the feature size; it must equal the layer's "
                "input_size (for an Embedding before it: its embedding_dim)."))
        weight_dtype = self.weight_ih_l0.dtype
        if data.dtype != weight_dtype:
            raise ValueError(
                _errors.hint(f"RNN input dtype ({data.dtype}) does not match weight dtype "
                f"({weight_dtype}). Convert input: input.to({weight_dtype}), or "
                f"convert model: model.to({data.dtype})", "NumPy data is float64 "
                "by default; torch.tensor(array).float() makes it float32."))
        dirs = 2 if self.bidirectional else 1
        expected = (self.num_layers * dirs, max_batch, self.hidden_size)
        if hx is None:
            h0 = creation.zeros(*expected, dtype=data.dtype, device=data.device)
            c0 = (creation.zeros(*expected, dtype=data.dtype, device=data.device)
                  if lstm else None)
        else:
            h0, c0 = hx if lstm else (hx, None)
            want = 2 if unbatched else 3
            if h0.dim() != want:
                kind = "unbatched 2-D" if unbatched else "batched 3-D"
                raise RuntimeError(
                    _errors.hint(f"For {kind} input, hx should also be {want}-D but got "
                    f"{h0.dim()}-D tensor", "hx is (num_layers * num_directions, "
                    "batch, hidden_size), without the batch axis for one sequence."))
            if unbatched:
                h0 = h0.unsqueeze(1)
                c0 = c0.unsqueeze(1) if lstm else None
            self._check_hidden(h0, expected, "hidden[0]" if lstm else "hidden")
            if lstm:
                self._check_hidden(c0, expected, "hidden[1]")
        out, h_n, c_n = rnn_stack(
            self.mode, data if packed else input, h0, c0, self._flat_weights,
            self.num_layers, self.bidirectional, self.bias, batch_sizes=batch_sizes,
            batch_first=self.batch_first, sorted_indices=sorted_idx,
            dropout=self.dropout, training=self.training)
        if packed:
            out = PackedSequence(out, input.batch_sizes, input.sorted_indices,
                                 input.unsorted_indices)
        elif unbatched:
            out = out.squeeze(batch_dim)
            h_n = h_n.squeeze(1)
            c_n = c_n.squeeze(1) if lstm else None
        return out, ((h_n, c_n) if lstm else h_n)


class RNN(RNNBase):
    """Elman RNN: h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh).

    Mirrors: torch.nn.RNN
    """

    def __init__(self, *args, **kwargs):
        nonlinearity = kwargs.pop("nonlinearity", "tanh")
        if len(args) > 3:
            nonlinearity = args[3]
            args = args[:3] + args[4:]
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(_errors.hint(f"Unknown nonlinearity '{nonlinearity}'. Select from "
                             "'tanh' or 'relu'.", "nonlinearity='tanh' or 'relu'."))
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU",
                         *args, **kwargs)
        self.nonlinearity = nonlinearity


class LSTM(RNNBase):
    """Long short-term memory: gates i, f, g, o and a cell state c.

    Mirrors: torch.nn.LSTM
    """

    def __init__(self, *args, **kwargs):
        super().__init__("LSTM", *args, **kwargs)


class GRU(RNNBase):
    """Gated recurrent unit: gates r, z and candidate n = tanh(... + r*(W_hn h + b_hn)).

    Mirrors: torch.nn.GRU
    """

    def __init__(self, *args, **kwargs):
        super().__init__("GRU", *args, **kwargs)


# torch.nn.modules.rnn also holds the cells; they live in rnn_cell.py here
from teachtorch.nn.modules.rnn_cell import (  # noqa: E402,F401
    GRUCell, LSTMCell, RNNCell, RNNCellBase)
