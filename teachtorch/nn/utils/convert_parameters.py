"""All parameters as one flat vector, and back.

Chapter 15 (optimizers) opens this file.
"""
from teachtorch.tensor import Tensor


def parameters_to_vector(parameters):
    """Concatenate every parameter, flattened, into one 1-D tensor (differentiable).

    Mirrors: torch.nn.utils.parameters_to_vector
    """
    from teachtorch.ops import join

    return join.cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec, parameters):
    """Copy consecutive slices of vec into each parameter's data.

    Mirrors: torch.nn.utils.vector_to_parameters
    """
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    pointer = 0
    for param in parameters:
        n = param.numel()
        param.data = vec[pointer:pointer + n].view(*param.shape).data
        pointer += n
