"""Turn values (numbers, tensors, images, text, hyper-parameters) into Summary messages.

Each function returns an encoded ``Summary`` message (bytes) for the writer to wrap in
an ``Event``. Values may be teachtorch tensors, NumPy arrays or Python numbers.

Chapter 17 (TensorBoard and visdom) opens this file.
"""
import io
import numbers

import numpy as np

from teachtorch import _errors
from teachtorch.utils.tensorboard import _proto


def to_numpy(x):
    """A NumPy array from a teachtorch tensor, array, list or number (no grad kept)."""
    if hasattr(x, "_data") and hasattr(x, "detach"):
        x = x.detach().cpu().numpy()
    return np.asarray(x)


def scalar(tag, value):
    """One number: Summary.Value(tag, simple_value).

    Mirrors: torch.utils.tensorboard.summary.scalar
    """
    arr = to_numpy(value)
    if arr.size != 1:
        raise AssertionError(
            _errors.hint(f"scalar should be 0D, got shape {arr.shape}", "log one number per "
            "call, e.g. loss.item(); use add_histogram for many values."))
    return _proto.summary(_proto.summary_value(tag, simple_value=float(arr.reshape(()))))


def default_bins():
    """TensorFlow's histogram edges: +-1e-12 * 1.1**k up to 1e20, and 0.

    Mirrors: SummaryWriter.default_bins (bins='tensorflow')
    """
    k = np.arange(int(np.ceil(np.log(1e20 / 1e-12) / np.log(1.1))))
    pos = 1e-12 * 1.1 ** k
    pos = pos[pos < 1e20]
    return np.concatenate([-pos[::-1], [0.0], pos])


def histogram(tag, values, bins="tensorflow", max_bins=None):
    """Counts of values in bins, as TensorBoard's HistogramProto.

    TensorBoard stores only right bin edges, so one empty bin is kept to the left of
    the first non-empty bin; empty bins at both ends are dropped.
    Mirrors: torch.utils.tensorboard.summary.histogram
    """
    v = to_numpy(values).astype(np.float64).reshape(-1)
    if v.size == 0:
        raise ValueError(_errors.hint("The input has no element.", "add_histogram needs at least "
                         "one value."))
    if isinstance(bins, str) and bins == "tensorflow":
        bins = default_bins()
    counts, edges = np.histogram(v, bins=bins)
    if max_bins is not None and len(counts) > max_bins:
        group = len(counts) // max_bins
        counts = np.pad(counts, (0, -len(counts) % group))
        counts = counts.reshape(-1, group).sum(axis=1)
        edges = np.append(edges[:-1:group], edges[-1])
    nonzero = np.flatnonzero(counts)
    first, last = (nonzero[0], nonzero[-1]) if nonzero.size else (0, len(counts) - 1)
    if first > 0:
        counts, edges = counts[first - 1:last + 1], edges[first:last + 2]
    else:
        counts, edges = np.concatenate([[0], counts[:last + 1]]), edges[:last + 2]
    histo = _proto.histogram(v.min(), v.max(), v.size, v.sum(), v.dot(v), edges, counts)
    return _proto.summary(_proto.summary_value(tag, histo=histo))


# ----- images ------------------------------------------------------------------------

def grid(batch, ncols=8):
    """N images (N, C, H, W) laid out on one canvas (C, rows*H, ncols*W), no padding.

    Mirrors: torch.utils.tensorboard._utils.make_grid
    """
    if batch.shape[1] == 1:
        batch = np.repeat(batch, 3, axis=1)
    if batch.ndim != 4 or batch.shape[1] != 3:
        raise ValueError(_errors.hint(f"images should have 1 or 3 channels, got shape {batch.shape}", "pass (N, C, H, W) with C = 1 or 3."))
    n, c, h, w = batch.shape
    ncols = min(n, ncols)
    nrows = -(-n // ncols)
    padded = np.zeros((nrows * ncols, c, h, w), dtype=batch.dtype)
    padded[:n] = batch
    canvas = padded.reshape(nrows, ncols, c, h, w).transpose(2, 0, 3, 1, 4)
    return canvas.reshape(c, nrows * h, ncols * w)


def to_hwc(img, dataformats):
    """Reorder an image to (H, W, 3): CHW, HWC, HW, or NCHW (made into a grid)."""
    fmt = dataformats.upper()
    if len(set(fmt)) != len(fmt) or img.ndim != len(fmt):
        raise AssertionError(
            _errors.hint("size of input tensor and input format are different. tensor shape: "
            f"{img.shape}, input_format: {dataformats}", "a (3, H, W) image is "
            "'CHW', (H, W, 3) is 'HWC', (H, W) is 'HW', a batch (N, 3, H, W) 'NCHW'."))
    if len(fmt) == 4:
        return grid(img.transpose([fmt.index(c) for c in "NCHW"])).transpose(1, 2, 0)
    if len(fmt) == 3:
        hwc = img.transpose([fmt.index(c) for c in "HWC"])
        return np.repeat(hwc, 3, axis=2) if hwc.shape[2] == 1 else hwc
    hw = img.transpose([fmt.index(c) for c in "HW"])
    return np.stack([hw, hw, hw], axis=2)


def png_bytes(hwc_uint8):
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(hwc_uint8).save(buf, format="PNG")
    return buf.getvalue()


def image(tag, img, dataformats="CHW"):
    """A PNG image. Floats are taken as [0, 1] and scaled by 255; uint8 kept as is.

    Mirrors: torch.utils.tensorboard.summary.image
    """
    arr = to_hwc(to_numpy(img), dataformats)
    scale = 1 if arr.dtype == np.uint8 else 255
    arr = np.clip(arr.astype(np.float32) * scale, 0, 255).astype(np.uint8)
    h, w, c = arr.shape
    encoded = _proto.image(h, w, c, png_bytes(np.ascontiguousarray(arr)))
    return _proto.summary(_proto.summary_value(tag, image=encoded))


def figure_to_image(figures, close=True):
    """Render matplotlib figure(s) to a (3, H, W) uint8 array (or (N, 3, H, W))."""
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    def render(fig):
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        rgba = np.asarray(canvas.buffer_rgba())
        if close:
            plt.close(fig)
        return rgba[:, :, :3].transpose(2, 0, 1).copy()

    if isinstance(figures, (list, tuple)):
        return np.stack([render(f) for f in figures])
    return render(figures)


# ----- text and hyper-parameters ---------------------------------------------------------

def text(tag, text_string):
    """A string shown (as Markdown) in TensorBoard's Text tab.

    Mirrors: torch.utils.tensorboard.summary.text
    """
    meta = _proto.summary_metadata("text", _proto.int_field(1, 0))
    tensor = _proto.string_tensor([text_string.encode("utf-8")])
    return _proto.summary(_proto.summary_value(tag + "/text_summary", tensor=tensor,
                                               metadata=meta))


def _hparam_value(v):
    """google.protobuf.Value: number_value=2, string_value=3, bool_value=4."""
    if isinstance(v, bool):
        return _proto.int_field(4, 1) if v else _proto.key(4, 0) + b"\x00", 2
    if isinstance(v, numbers.Real):
        return _proto.double_field(2, v), 3
    if isinstance(v, str):
        return _proto.bytes_field(3, v), 1
    if hasattr(v, "_data"):
        return _proto.double_field(2, float(to_numpy(v).reshape(-1)[0])), 3
    raise ValueError(_errors.hint("value should be one of int, float, str, bool, or torch.Tensor", f"got {type(v).__name__}; log its str() instead."))


def hparams(hparam_dict, metric_dict):
    """The three summaries TensorBoard's HParams tab reads: experiment, start, end.

    Mirrors: torch.utils.tensorboard.summary.hparams
    """
    if not isinstance(hparam_dict, dict) or not isinstance(metric_dict, dict):
        raise TypeError(_errors.hint("hparam_dict and metric_dict should be dictionary.", "add_hparams({'lr': 0.1}, {'hparam/accuracy': 0.9})"))
    infos, start = b"", b""
    for name, v in hparam_dict.items():
        if v is None:
            continue
        value, data_type = _hparam_value(v)
        # SessionStartInfo.hparams: map<string, Value> = 1;  HParamInfo: name=1, type=4
        start += _proto.bytes_field(1, _proto.bytes_field(1, name)
                                    + _proto.bytes_field(2, value))
        infos += _proto.bytes_field(4, _proto.bytes_field(1, name)
                                    + _proto.int_field(4, data_type))
    # Experiment.metric_infos=5: MetricInfo.name=1: MetricName.tag=2
    metrics = b"".join(_proto.bytes_field(5, _proto.bytes_field(1, _proto.bytes_field(
        2, m))) for m in metric_dict)
    # HParamsPluginData: version=1, experiment=2, session_start_info=3, session_end=4
    out = []
    for tag, content in (("_hparams_/experiment", _proto.bytes_field(2, infos + metrics)),
                         ("_hparams_/session_start_info", _proto.bytes_field(3, start)),
                         ("_hparams_/session_end_info",
                          _proto.bytes_field(4, _proto.int_field(1, 1)))):
        meta = _proto.summary_metadata("hparams", content)
        out.append(_proto.summary(_proto.summary_value(tag, metadata=meta)))
    return out
