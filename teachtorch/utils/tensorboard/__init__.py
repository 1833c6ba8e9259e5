"""TensorBoard logging: ``from teachtorch.utils.tensorboard import SummaryWriter``.

This also replaces tensorboardX (``from tensorboardX import SummaryWriter`` in the
notes): the calls are the same. The event files are written by hand (``_proto.py``,
``record_writer.py``), so neither tensorflow nor tensorboard is needed to log; install
``tensorboard`` only to look at the results (``tensorboard --logdir runs``).

Chapter 17 (TensorBoard and visdom) opens this package.
"""
from teachtorch.utils.tensorboard.writer import SummaryWriter  # noqa: F401
