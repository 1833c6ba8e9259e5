"""Live ipywidgets views over the models in teachtorch.viz.

Every view has ``.controls`` (name -> ipywidget), ``.state`` (what it shows, as plain
data), ``.widget`` (the VBox), a deterministic repr and a static SVG/HTML fallback.
"""
from teachtorch.widgets.backprop_view import BackpropView  # noqa: F401
from teachtorch.widgets.backward_stepper import BackwardStepper  # noqa: F401
from teachtorch.widgets.conv_window_view import ConvWindowView  # noqa: F401
from teachtorch.widgets.dataloader_view import DataLoaderView  # noqa: F401
from teachtorch.widgets.explorers import BroadcastView, StorageView  # noqa: F401
from teachtorch.widgets.graph_view import GraphView  # noqa: F401
from teachtorch.widgets.module_views import ModuleTreeView, StateDictDiffView  # noqa: F401
from teachtorch.widgets.rnn_unroll_view import RNNUnrollView  # noqa: F401
from teachtorch.widgets.source_view import SourceView  # noqa: F401
from teachtorch.widgets.training_monitor import TrainingMonitor  # noqa: F401
