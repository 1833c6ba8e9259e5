"""teachtorch.optim: update rules that change parameters using their gradients.

``optimizer = optim.SGD(model.parameters(), lr=0.01)``, then each iteration:
``optimizer.zero_grad(); loss.backward(); optimizer.step()``.
Chapter 06 (gradient descent) and chapter 15 (optimizers) open this package.
"""

from teachtorch.optim import lr_scheduler
from teachtorch.optim.adadelta import Adadelta
from teachtorch.optim.adagrad import Adagrad
from teachtorch.optim.adam import Adam, AdamW
from teachtorch.optim.adamax import Adamax
from teachtorch.optim.asgd import ASGD
from teachtorch.optim.lbfgs import LBFGS
from teachtorch.optim.nadam_radam import NAdam, RAdam
from teachtorch.optim.optimizer import Optimizer
from teachtorch.optim.rmsprop import RMSprop
from teachtorch.optim.rprop import Rprop
from teachtorch.optim.sgd import SGD

__all__ = [
    "ASGD",
    "LBFGS",
    "NAdam",
    "RAdam",
    "SGD",
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "Optimizer",
    "RMSprop",
    "Rprop",
    "lr_scheduler",
]


# a name PyTorch has and teachtorch lacks: PyTorch's AttributeError plus a hint
from teachtorch._api_gaps import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr(__name__, "torch.optim")
