"""Differential fuzz of learner mistakes: each case runs on torch and on teachtorch.

Cases are data: short code snippets that use the names ``torch``, ``nn``, ``F``,
``np``, ``optim``, ``DataLoader``, ``TensorDataset``, grouped by kind in
``cases_*.py``. ``runner.run_all()`` runs every group in one worker process per
library (``worker.py``) and compares the results; ``python -m tests.fuzz`` prints
the summary.
"""
