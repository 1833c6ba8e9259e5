"""Activation functions, each a tensor op with its backward beside it.

- sigmoid_tanh_relu.py: sigmoid, tanh, relu, hardtanh (relu6): ``torch.sigmoid``,
  ``x.relu()``;
- relu_family.py: ELU/SELU/CELU, LeakyReLU, PReLU, Softplus, Threshold, LogSigmoid;
- smooth.py: GELU, SiLU, Mish, and nn.functional's softmax / log_softmax front ends.

nn.functional (teachtorch/nn/functional.py) and the nn.ReLU-style modules
(teachtorch/nn/modules/activation.py) call these.
"""
