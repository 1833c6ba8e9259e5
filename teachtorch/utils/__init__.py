"""teachtorch.utils: data loading (utils.data) and TensorBoard logging."""
from teachtorch.utils import data  # noqa: F401
