"""teachtorch.optim: update rules that change parameters using their gradients.

``optimizer = optim.SGD(model.parameters(), lr=0.01)``, then each iteration:
``optimizer.zero_grad(); loss.backward(); optimizer.step()``.
Chapter 06 (gradient descent) and chapter 15 (optimizers) open this package.
"""
from teachtorch.optim import lr_scheduler  # noqa: F401
from teachtorch.optim.adadelta import Adadelta  # noqa: F401
from teachtorch.optim.adagrad import Adagrad  # noqa: F401
from teachtorch.optim.adam import Adam, AdamW  # noqa: F401
from teachtorch.optim.adamax import Adamax  # noqa: F401
from teachtorch.optim.asgd import ASGD  # noqa: F401
from teachtorch.optim.lbfgs import LBFGS  # noqa: F401
from teachtorch.optim.optimizer import Optimizer  # noqa: F401
from teachtorch.optim.rmsprop import RMSprop  # noqa: F401
from teachtorch.optim.rprop import Rprop  # noqa: F401
from teachtorch.optim.sgd import SGD  # noqa: F401

__all__ = ["ASGD", "Adadelta", "Adagrad", "Adam", "AdamW", "Adamax", "LBFGS",
           "Optimizer", "RMSprop", "Rprop", "SGD", "lr_scheduler"]
