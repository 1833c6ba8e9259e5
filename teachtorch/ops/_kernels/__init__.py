"""Fast kernels: the same math as the readable references, laid out for speed.

Nothing a learner reads needs this package. Each op's file starts with its
reference implementation in plain Tensor ops; the kernel here computes the same
numbers with the array layouts, scratch buffers and workspaces that make NumPy
fast. ``teachtorch.reference_mode()`` switches every op to its reference, and
the tests check that both give the same values and derivatives.
"""
