"""An RNN, LSTM or GRU cell unrolled over time, in plain NumPy (what RNNUnrollView shows).

The same weights are used at every step (``weight_ih_l0``, ``weight_hh_l0``,
``bias_ih_l0``, ``bias_hh_l0`` as in nn.RNN / nn.LSTM / nn.GRU; gate order i, f, g, o
for LSTM and r, z, n for GRU), so ``unroll`` gives the hidden states nn.LSTM returns for
the same weights. Alongside the values, each step also carries *tangents* (forward-mode
derivatives) so ``connectivity`` gets the exact Jacobians dh_t/dx_k in one pass: the
heatmap that shows a vanilla RNN forgetting its early inputs.

Chapter 12 (RNN basics) opens this file.
"""
from teachtorch import _errors
import numpy as np

CELLS = ("rnn", "lstm", "gru")
GATES = {"rnn": 1, "lstm": 4, "gru": 3}
STAGES = {
    "rnn": ("pre-activation", "hidden"),
    "lstm": ("forget", "input", "candidate", "cell", "output", "hidden"),
    "gru": ("reset", "update", "candidate", "hidden"),
}
EQUATIONS = {
    ("rnn", "pre-activation"): "a_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh",
    ("rnn", "hidden"): "h_t = tanh(a_t)",
    ("lstm", "forget"): "f_t = σ(W_if x_t + b_if + W_hf h_{t-1} + b_hf)",
    ("lstm", "input"): "i_t = σ(W_ii x_t + b_ii + W_hi h_{t-1} + b_hi)",
    ("lstm", "candidate"): "g_t = tanh(W_ig x_t + b_ig + W_hg h_{t-1} + b_hg)",
    ("lstm", "cell"): "c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t",
    ("lstm", "output"): "o_t = σ(W_io x_t + b_io + W_ho h_{t-1} + b_ho)",
    ("lstm", "hidden"): "h_t = o_t ⊙ tanh(c_t)",
    ("gru", "reset"): "r_t = σ(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)",
    ("gru", "update"): "z_t = σ(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)",
    ("gru", "candidate"): "n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t-1} + b_hn))",
    ("gru", "hidden"): "h_t = (1 - z_t) ⊙ n_t + z_t ⊙ h_{t-1}",
}
STAGE_KEY = {"pre-activation": "a", "hidden": "h", "forget": "f", "input": "i",
             "candidate": "g", "cell": "c", "output": "o", "reset": "r", "update": "z"}


def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def make_weights(cell, input_size, hidden_size, seed=0):
    """Weights drawn like PyTorch's init: U(-1/sqrt(H), 1/sqrt(H)), from a fixed seed."""
    if cell not in CELLS:
        raise ValueError(_errors.hint(f"cell must be one of {CELLS}, got {cell!r}", "'rnn', 'lstm' or 'gru'"))
    rng = np.random.default_rng(seed)
    k = 1.0 / np.sqrt(hidden_size)
    g = GATES[cell] * hidden_size

    def u(*shape):
        return rng.uniform(-k, k, size=shape).astype(np.float32)
    return {"weight_ih_l0": u(g, input_size), "weight_hh_l0": u(g, hidden_size),
            "bias_ih_l0": u(g), "bias_hh_l0": u(g)}


def weights_from_module(module):
    """(cell, weights) read from an nn.RNN / nn.LSTM / nn.GRU (teachtorch or torch)."""
    kind = type(module).__name__.lower()
    if kind not in CELLS:
        raise TypeError(_errors.hint(f"expected an RNN, LSTM or GRU module, got {type(module).__name__}", "pass nn.RNN(...), nn.LSTM(...) or nn.GRU(...)"))
    params = dict(module.named_parameters())
    names = ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")
    weights = {}
    for n in names:
        if n in params:
            weights[n] = np.asarray(params[n].detach().cpu(), dtype=np.float32)
    if "bias_ih_l0" not in weights:  # bias=False
        g = weights["weight_ih_l0"].shape[0]
        weights["bias_ih_l0"] = np.zeros(g, np.float32)
        weights["bias_hh_l0"] = np.zeros(g, np.float32)
    return kind, weights


def sample_sequence(kind, seq_len, input_size):
    """A deterministic input sequence (seq_len, input_size): 'sine', 'ramp' or 'pulse'."""
    t = np.arange(seq_len, dtype=np.float64)[:, None]
    j = np.arange(input_size, dtype=np.float64)[None, :]
    if kind == "sine":
        x = np.sin(0.8 * t + 1.3 * j)
    elif kind == "ramp":
        x = np.broadcast_to((t + 1) / seq_len - 0.5 + 0.1 * j, (seq_len, input_size))
    elif kind == "pulse":
        x = np.where(t == 0, 1.0, 0.0) * np.ones_like(j)
    else:
        raise ValueError(_errors.hint(f"unknown sequence {kind!r}", "'sine', 'ramp' or 'pulse'"))
    return np.ascontiguousarray(x, dtype=np.float32)


def _split(v, n):
    return np.split(v, n, axis=-1)


def step(cell, w, x, h, c, dx, dh, dc):
    """One time step with its tangents.

    x (I,), h and c (H,): values; dx (D, I), dh and dc (D, H): derivatives of the same
    quantities along D directions. Returns (h, c, dh, dc, stages) where stages holds
    every gate's value (the view's heatmaps).

    Math (LSTM): c_t = f*c + i*g, h_t = o*tanh(c_t); tangents by the product rule
    Mirrors: one step of torch.nn.RNN / LSTM / GRU
    """
    wih, whh, bih, bhh = (w["weight_ih_l0"], w["weight_hh_l0"], w["bias_ih_l0"],
                          w["bias_hh_l0"])
    gx, dgx = wih @ x + bih, dx @ wih.T
    gh, dgh = whh @ h + bhh, dh @ whh.T
    if cell == "rnn":
        hn = np.tanh(gx + gh)
        return hn, c, (1 - hn ** 2) * (dgx + dgh), dc, {"a": gx + gh, "h": hn}
    if cell == "lstm":
        a, da = gx + gh, dgx + dgh
        ai, af, ag, ao = _split(a, 4)
        dai, daf, dag, dao = _split(da, 4)
        i, f, g, o = sigmoid(ai), sigmoid(af), np.tanh(ag), sigmoid(ao)
        di, df, dg, do = i * (1 - i) * dai, f * (1 - f) * daf, (1 - g ** 2) * dag, \
            o * (1 - o) * dao
        cn = f * c + i * g
        dcn = df * c + f * dc + di * g + i * dg
        tc = np.tanh(cn)
        hn = o * tc
        dhn = do * tc + o * (1 - tc ** 2) * dcn
        return hn, cn, dhn, dcn, {"i": i, "f": f, "g": g, "o": o, "c": cn, "h": hn}
    # gru
    xr, xz, xn = _split(gx, 3)
    hr, hz, hn_ = _split(gh, 3)
    dxr, dxz, dxn = _split(dgx, 3)
    dhr, dhz, dhn_ = _split(dgh, 3)
    r, z = sigmoid(xr + hr), sigmoid(xz + hz)
    dr, dz = r * (1 - r) * (dxr + dhr), z * (1 - z) * (dxz + dhz)
    n = np.tanh(xn + r * hn_)
    dn = (1 - n ** 2) * (dxn + dr * hn_ + r * dhn_)
    hn = (1 - z) * n + z * h
    dhn = -dz * n + (1 - z) * dn + dz * h + z * dh
    return hn, c, dhn, dc, {"r": r, "z": z, "g": n, "h": hn}


def unroll(cell, x, weights, h0=None, c0=None, tangents=False):
    """Run the cell over x (T, I) with shared weights.

    Returns {"h": (T, H), "c": (T, H) (LSTM), stage key -> (T, H) for every gate} and,
    with tangents=True, "jac": (T, T, I, H) where jac[t, k] = dh_t/dx_k (transposed).

    Math: h_t = cell(x_t, h_{t-1}; same W at every t)
    Mirrors: torch.nn.RNN / LSTM / GRU forward (batch 1, one layer)
    """
    x = np.asarray(x, dtype=np.float64)
    w = {k: np.asarray(v, dtype=np.float64) for k, v in weights.items()}
    t_len, n_in = x.shape
    hid = w["weight_hh_l0"].shape[1]
    h = np.zeros(hid) if h0 is None else np.asarray(h0, np.float64)
    c = np.zeros(hid) if c0 is None else np.asarray(c0, np.float64)
    d = t_len * n_in if tangents else 0
    dh, dc = np.zeros((d, hid)), np.zeros((d, hid))
    out = {"h": [], "c": [], "jac": []}
    stages = {}
    for t in range(t_len):
        dx = np.zeros((d, n_in))
        if tangents:
            dx[t * n_in:(t + 1) * n_in] = np.eye(n_in)
        h, c, dh, dc, st = step(cell, w, x[t], h, c, dx, dh, dc)
        out["h"].append(h)
        out["c"].append(c)
        out["jac"].append(dh.reshape(t_len, n_in, hid) if tangents else None)
        for key, v in st.items():
            stages.setdefault(key, []).append(v)
    result = {k: np.array(v) for k, v in stages.items()}
    result["h"] = np.array(out["h"])
    if cell == "lstm":
        result["c"] = np.array(out["c"])
    if tangents:
        result["jac"] = np.array(out["jac"])
    return result


def connectivity(cell, x, weights):
    """The (T, T) matrix ||dh_t/dx_k|| (Frobenius norm); zero above the diagonal.

    Math: dh_t/dx_k = (prod over s from k+1 to t of dh_s/dh_{s-1}) dh_k/dx_k
    """
    jac = unroll(cell, x, weights, tangents=True)["jac"]
    return np.sqrt((jac ** 2).sum(axis=(2, 3)))


def stage_values(cell, result, stage):
    """The (T, H) values of one stage (e.g. 'forget' -> the f gate over time)."""
    if stage not in STAGES[cell]:
        article = "a" if cell == "gru" else "an"
        raise ValueError(_errors.hint(f"stage {stage!r} is not part of {article} {cell.upper()} cell", f"choose one of {STAGES[cell]}"))
    return result[STAGE_KEY[stage]]
