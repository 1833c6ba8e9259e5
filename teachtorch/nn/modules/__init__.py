"""Every layer, one family per file; ``teachtorch.nn`` re-exports them."""
from teachtorch.nn.modules.module import Module  # noqa: F401

# conv, pooling and recurrent layers (B2)
