"""Seeded NumPy inputs for the DeZero and MyGrad workloads.

Same shapes and distributions as the torch.randn / torch.randint inputs of
benchmarks/workloads.py (the values differ: another generator). Tests build torch
inputs from the same arrays where they compare values.
"""
import numpy as np


def randn(*shape, seed=0):
    """Standard normal float32 array, like torch.randn(*shape)."""
    return np.random.default_rng(seed).standard_normal(shape, dtype=np.float32)


def randint(high, shape, seed=1):
    """Integers in [0, high) as int64, like torch.randint(0, high, shape)."""
    return np.random.default_rng(seed).integers(0, high, shape, dtype=np.int64)


def uniform(bound, shape, rng):
    """U(-bound, bound) float32: PyTorch's default init for Linear/Conv/RNN weights
    (bound = 1/sqrt(fan_in)); MyGrad has no layers, so its workloads use this."""
    return rng.uniform(-bound, bound, shape).astype(np.float32)
