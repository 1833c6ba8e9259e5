"""nn.parallel: DataParallel."""
from teachtorch.nn.parallel.data_parallel import DataParallel  # noqa: F401
