"""NAdam and RAdam take the same twenty steps as PyTorch's (parameters, losses,
state_dict keys, dtypes and values), with the same checks as tests/test_optim.py."""
import pytest
from test_optim import test_twenty_steps_match_torch as same_steps_as_torch

CASES = [
    ("NAdam", {}),
    ("NAdam", {"lr": 0.05, "betas": (0.8, 0.95), "weight_decay": 0.1,
               "momentum_decay": 0.01}),
    ("NAdam", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True,
               "maximize": True}),
    ("RAdam", {"lr": 0.05}),
    ("RAdam", {"lr": 0.05, "betas": (0.5, 0.6), "weight_decay": 0.1}),
    ("RAdam", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True}),
]


@pytest.mark.parametrize("name,kwargs", CASES,
                         ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_twenty_steps_like_torch(name, kwargs):
    same_steps_as_torch(name, kwargs)
