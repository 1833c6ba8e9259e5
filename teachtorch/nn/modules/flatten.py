"""Flatten and Unflatten: reshape inside a Sequential (e.g. between conv and Linear).

Chapter 10 (CNN basics) opens this file.
"""
from teachtorch.nn.modules.module import Module


class Flatten(Module):
    """Flatten dims start_dim..end_dim into one (default: all but the batch dim).

    Mirrors: torch.nn.Flatten
    """

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input):
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Split one dim into unflattened_size.

    Mirrors: torch.nn.Unflatten
    """

    def __init__(self, dim, unflattened_size):
        super().__init__()
        self.dim = dim
        self.unflattened_size = unflattened_size

    def forward(self, input):
        return input.unflatten(self.dim, self.unflattened_size)

    def extra_repr(self):
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
