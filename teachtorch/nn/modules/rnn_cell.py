"""The single-step cells: RNNCell, LSTMCell, GRUCell, written as their equations.

nn.RNN/LSTM/GRU run a whole sequence in one fused node (ops/rnn.py). A cell is one
time step, and here it is built from ordinary ops, line by line as the formulas read,
the way PyTorch's CPU cells are, so its graph shows the same nodes as PyTorch's:
TanhBackward0 over AddBackward0 over two AddmmBackward0 for an RNNCell, and the gates
cut by UnsafeSplitBackward0 for LSTMCell and GRUCell.
Chapter 12 (RNN basics) opens this file.
"""
import math

from teachtorch import _errors, creation, dtypes
from teachtorch.nn import functional as F
from teachtorch.nn.modules.module import Module
from teachtorch.nn.modules.rnn import _new_param, _uniform_parameters


class RNNCellBase(Module):
    """One time step of a recurrent layer: weight_ih, weight_hh, bias_ih, bias_hh.

    Mirrors: torch.nn.RNNCellBase
    """

    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None,
                 dtype=None):
        super().__init__()
        dtype = dtype or dtypes.get_default_dtype()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.weight_ih = _new_param((num_chunks * hidden_size, input_size), dtype)
        self.weight_hh = _new_param((num_chunks * hidden_size, hidden_size), dtype)
        if bias:
            self.bias_ih = _new_param((num_chunks * hidden_size,), dtype)
            self.bias_hh = _new_param((num_chunks * hidden_size,), dtype)
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self):
        _uniform_parameters(self, 1.0 / math.sqrt(self.hidden_size)
                            if self.hidden_size > 0 else 0)

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        nonlinearity = getattr(self, "nonlinearity", "tanh")
        if nonlinearity != "tanh":
            s += f", nonlinearity={nonlinearity}"
        return s

    def _inputs(self, input, states, n_states):
        """Check shapes; return input and states as 2-D, and whether to squeeze back."""
        name = type(self).__name__
        if input.dim() not in (1, 2):
            raise ValueError(_errors.hint(f"{name}: Expected input to be 1D or 2D, got "
                             f"{input.dim()}D instead", "a cell takes one time "
                             "step: (batch, input_size). Loop over time, or use "
                             "nn.RNN/LSTM/GRU."))
        if input.shape[-1] != self.input_size:
            raise RuntimeError(
                _errors.hint(f"input has inconsistent input_size: got {input.shape[-1]} expected "
                f"{self.input_size}", "the input's last dimension must equal the "
                "cell's input_size."))
        unbatched = input.dim() == 1
        if unbatched:
            input = input.unsqueeze(0)
        batch = input.shape[0]
        if n_states == 2 and states is not None and not isinstance(states, (tuple, list)):
            raise TypeError(_errors.hint(
                "lstm_cell(): argument 'hx' (position 2) must be tuple of Tensors, not "
                f"{type(states).__name__}", "an LSTM cell's state is a pair: "
                "cell(x, (h, c))."))
        if states is None:
            states = tuple(creation.zeros(batch, self.hidden_size, dtype=input.dtype,
                                          device=input.device)
                           for _ in range(n_states))
        elif unbatched:
            states = tuple(s.unsqueeze(0) for s in states)
        for k, s in enumerate(states):
            if s.shape[0] != batch:
                raise RuntimeError(
                    _errors.hint(f"Input batch size {batch} doesn't match hidden{k} batch size "
                    f"{s.shape[0]}", "the hidden state is (batch, hidden_size); "
                    "make it with the input's batch size."))
            if s.shape[1] != self.hidden_size:
                raise RuntimeError(
                    _errors.hint(f"hidden{k} has inconsistent hidden_size: got {s.shape[1]}, "
                    f"expected {self.hidden_size}", "the hidden state is (batch, "
                    "hidden_size)."))
        return input, states, unbatched


class RNNCell(RNNCellBase):
    """h' = tanh(h W_hh^T + b_hh + x W_ih^T + b_ih) (or relu). Mirrors: torch.nn.RNNCell"""

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh",
                 device=None, dtype=None):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(_errors.hint(f"Unknown nonlinearity: {nonlinearity}", "nonlinearity='tanh' or 'relu'."))
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        x, (h,), unbatched = self._inputs(input, None if hx is None else (hx,), 1)
        pre = (F.linear(h, self.weight_hh, self.bias_hh)   # PyTorch adds in this order
               + F.linear(x, self.weight_ih, self.bias_ih))
        h_new = pre.tanh() if self.nonlinearity == "tanh" else pre.relu()
        return h_new.squeeze(0) if unbatched else h_new


class LSTMCell(RNNCellBase):
    """One LSTM step; returns (h', c').

    Math: i, f, g, o = chunks of (h W_hh^T + b_hh + x W_ih^T + b_ih)
          c' = sigmoid(f) * c + sigmoid(i) * tanh(g);  h' = sigmoid(o) * tanh(c')
    Mirrors: torch.nn.LSTMCell
    """

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input, hx=None):
        x, (h, c), unbatched = self._inputs(input, hx, 2)
        gates = (F.linear(h, self.weight_hh, self.bias_hh)
                 + F.linear(x, self.weight_ih, self.bias_ih))
        ingate, forgetgate, cellgate, outgate = gates.unsafe_chunk(4, 1)
        ingate = ingate.sigmoid()          # how much new content to write
        forgetgate = forgetgate.sigmoid()  # how much of the old cell to keep
        cellgate = cellgate.tanh()         # the new content
        outgate = outgate.sigmoid()        # how much of the cell to show
        c_new = forgetgate * c + ingate * cellgate
        h_new = outgate * c_new.tanh()
        if unbatched:
            return h_new.squeeze(0), c_new.squeeze(0)
        return h_new, c_new


class GRUCell(RNNCellBase):
    """One GRU step.

    Math: r = sigmoid(h_r + x_r), z = sigmoid(h_z + x_z), n = tanh(x_n + h_n * r),
          h' = (h - n) * z + n   (= (1 - z) * n + z * h)
    Mirrors: torch.nn.GRUCell
    """

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input, hx=None):
        x, (h,), unbatched = self._inputs(input, None if hx is None else (hx,), 1)
        i_r, i_z, i_n = F.linear(x, self.weight_ih, self.bias_ih).unsafe_chunk(3, 1)
        h_r, h_z, h_n = F.linear(h, self.weight_hh, self.bias_hh).unsafe_chunk(3, 1)
        resetgate = (h_r + i_r).sigmoid()    # how much of the old state feeds n
        updategate = (h_z + i_z).sigmoid()   # how much of the old state to keep
        newgate = (i_n + h_n * resetgate).tanh()
        h_new = (h - newgate) * updategate + newgate
        return h_new.squeeze(0) if unbatched else h_new
