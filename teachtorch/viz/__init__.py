"""Pure pictures of what the library does: numbers, DOT text, SVG text; no widgets, no I/O.

Each module is the model behind one view in teachtorch.widgets:
graph (to_dot, GraphView), backprop (BackpropView), conv_geometry (ConvWindowView),
rnn_unroll (RNNUnrollView), storage and broadcasting (the smaller explorers), svg (drawing).
"""
from teachtorch.viz.graph import graph_model, to_dot  # noqa: F401
