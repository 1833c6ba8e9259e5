"""SummaryWriter: log scalars, images, histograms, text and graphs for TensorBoard.

``from teachtorch.utils.tensorboard import SummaryWriter`` replaces both
``from torch.utils.tensorboard import SummaryWriter`` and tensorboardX's
``from tensorboardX import SummaryWriter`` (same calls). Start TensorBoard with
``tensorboard --logdir runs`` and open http://localhost:6006.

Chapter 17 (TensorBoard and visdom) opens this file.
"""
import os
import socket
import time
from datetime import datetime

from teachtorch.utils.tensorboard import _proto, summary
from teachtorch.utils.tensorboard.record_writer import EventFileWriter


class SummaryWriter:
    """Writes event files into ``log_dir`` for TensorBoard to read.

    log_dir defaults to ``runs/<Mon01_12-00-00>_<hostname><comment>``. Every
    ``add_*`` call appends one record; the file is flushed every ``flush_secs``
    seconds, on ``flush()`` and on ``close()`` (or at the end of a ``with`` block).

    Mirrors: torch.utils.tensorboard.SummaryWriter
    """

    def __init__(self, log_dir=None, comment="", purge_step=None, max_queue=10,
                 flush_secs=120, filename_suffix=""):
        if not log_dir:
            stamp = datetime.now().strftime("%b%d_%H-%M-%S")
            log_dir = os.path.join("runs", stamp + "_" + socket.gethostname() + comment)
        self.log_dir = os.fspath(log_dir)
        self.purge_step = purge_step
        self.max_queue = max_queue
        self.flush_secs = flush_secs
        self.filename_suffix = filename_suffix
        self.file_writer = EventFileWriter(self.log_dir, max_queue, flush_secs,
                                           filename_suffix)
        self.all_writers = {self.log_dir: self.file_writer}
        self.default_bins = summary.default_bins()

    def get_logdir(self):
        return self.log_dir

    def _get_file_writer(self):
        return self.file_writer

    # ----- the records ---------------------------------------------------------------
    def _add(self, encoded_summary, global_step=None, walltime=None, writer=None):
        walltime = time.time() if walltime is None else walltime
        step = 0 if global_step is None else _as_int(global_step)
        (writer or self.file_writer).add_event(
            _proto.event(walltime, step, summary=encoded_summary))

    def add_scalar(self, tag, scalar_value, global_step=None, walltime=None,
                   new_style=False, double_precision=False):
        """One point of a curve: tag names the curve, global_step is the x value."""
        self._add(summary.scalar(tag, scalar_value), global_step, walltime)

    def add_scalars(self, main_tag, tag_scalar_dict, global_step=None, walltime=None):
        """Several curves in one chart; each goes to its own sub-run folder."""
        for tag, value in tag_scalar_dict.items():
            folder = self.log_dir + "/" + main_tag.replace("/", "_") + "_" + tag
            if folder not in self.all_writers:
                self.all_writers[folder] = EventFileWriter(
                    folder, self.max_queue, self.flush_secs, self.filename_suffix)
            self._add(summary.scalar(main_tag, value), global_step, walltime,
                      self.all_writers[folder])

    def add_histogram(self, tag, values, global_step=None, bins="tensorflow",
                      walltime=None, max_bins=None):
        """The distribution of values (e.g. a layer's weights) at this step."""
        if isinstance(bins, str) and bins == "tensorflow":
            bins = self.default_bins
        self._add(summary.histogram(tag, values, bins, max_bins), global_step, walltime)

    def add_image(self, tag, img_tensor, global_step=None, walltime=None,
                  dataformats="CHW"):
        """One image: (3, H, W) by default; floats in [0, 1] or uint8 in [0, 255]."""
        self._add(summary.image(tag, img_tensor, dataformats), global_step, walltime)

    def add_images(self, tag, img_tensor, global_step=None, walltime=None,
                   dataformats="NCHW"):
        """A batch of images shown as one grid (8 per row)."""
        self._add(summary.image(tag, img_tensor, dataformats), global_step, walltime)

    def add_figure(self, tag, figure, global_step=None, close=True, walltime=None):
        """A matplotlib figure (or a list of them), rendered to an image."""
        img = summary.figure_to_image(figure, close)
        fmt = "NCHW" if img.ndim == 4 else "CHW"
        self._add(summary.image(tag, img, fmt), global_step, walltime)

    def add_text(self, tag, text_string, global_step=None, walltime=None):
        """A string (Markdown) shown in the Text tab."""
        self._add(summary.text(tag, text_string), global_step, walltime)

    def add_hparams(self, hparam_dict, metric_dict, hparam_domain_discrete=None,
                    run_name=None, global_step=None):
        """One row of the HParams table: the settings of a run and its final metrics."""
        parts = summary.hparams(hparam_dict, metric_dict)
        folder = os.path.join(self.log_dir, run_name or str(time.time()))
        with SummaryWriter(log_dir=folder) as w:
            for encoded in parts:
                w._add(encoded, global_step)
            for k, v in metric_dict.items():
                w.add_scalar(k, v, global_step)

    def add_graph(self, model, input_to_model=None, verbose=False,
                  use_strict_trace=True):
        """The model's computation graph, traced by running one forward pass."""
        from teachtorch.utils.tensorboard.graph import trace_graph

        graph = trace_graph(model, input_to_model, verbose)
        self.file_writer.add_event(_proto.event(time.time(), 0, graph_def=graph))

    def add_embedding(self, mat, metadata=None, label_img=None, global_step=None,
                      tag="default", metadata_header=None):
        """Points for the Projector tab (PCA / t-SNE of feature vectors)."""
        from teachtorch.utils.tensorboard.embedding import write_embedding

        if not hasattr(self, "_projector_entries"):
            self._projector_entries = []
        write_embedding(self.log_dir, self._projector_entries, mat, metadata,
                        label_img, global_step, tag, metadata_header)

    # ----- lifetime ------------------------------------------------------------------
    def flush(self):
        """Write everything logged so far to disk now."""
        for w in self.all_writers.values():
            w.flush()

    def close(self):
        for w in self.all_writers.values():
            w.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _as_int(step):
    if hasattr(step, "item"):
        step = step.item()
    return int(step)
