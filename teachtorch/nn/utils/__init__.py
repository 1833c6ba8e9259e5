"""nn.utils: gradient clipping and parameter/vector conversion."""
from teachtorch.nn.utils.clip_grad import (clip_grad_norm, clip_grad_norm_,  # noqa: F401
                                           clip_grad_value_, get_total_norm)
from teachtorch.nn.utils.convert_parameters import (parameters_to_vector,  # noqa: F401
                                                    vector_to_parameters)

# conv, pooling and recurrent layers
from teachtorch.nn.utils import rnn  # noqa: F401,E402
