"""Every layer, one family per file; ``teachtorch.nn`` re-exports them."""
from teachtorch.nn.modules.module import Module  # noqa: F401
from teachtorch.nn.modules.container import (ModuleDict, ModuleList,  # noqa: F401
                                             ParameterDict, ParameterList, Sequential)
from teachtorch.nn.modules.linear import Bilinear, Identity, Linear  # noqa: F401
from teachtorch.nn.modules.flatten import Flatten, Unflatten  # noqa: F401
from teachtorch.nn.modules.fold import Fold, Unfold  # noqa: F401
from teachtorch.nn.modules.activation import (CELU, ELU, GELU, SELU,  # noqa: F401
                                              Hardtanh, LeakyReLU, LogSigmoid,
                                              LogSoftmax, Mish, PReLU, ReLU, ReLU6,
                                              Sigmoid, SiLU, Softmax, Softmin,
                                              Softplus, Tanh, Threshold)
from teachtorch.nn.modules.loss import (BCELoss, BCEWithLogitsLoss,  # noqa: F401
                                        CrossEntropyLoss, HuberLoss, KLDivLoss, L1Loss,
                                        MSELoss, NLLLoss, SmoothL1Loss)
from teachtorch.nn.modules.normalization import (BatchNorm1d, BatchNorm2d,  # noqa: F401
                                                 BatchNorm3d, GroupNorm, LayerNorm)
from teachtorch.nn.modules.dropout import (Dropout, Dropout1d, Dropout2d,  # noqa: F401
                                           Dropout3d)
from teachtorch.nn.modules.sparse import Embedding  # noqa: F401
from teachtorch.nn.modules.distance import CosineSimilarity, PairwiseDistance  # noqa: F401

from teachtorch.nn.modules.activation import (GLU, Hardshrink, Hardsigmoid,  # noqa: F401
                                              Hardswish, Softmax2d, Softshrink,
                                              Softsign, Tanhshrink)
from teachtorch.nn.modules.normalization import InstanceNorm1d, InstanceNorm2d  # noqa: F401
from teachtorch.nn.modules.loss import (CosineEmbeddingLoss,  # noqa: F401
                                        GaussianNLLLoss, HingeEmbeddingLoss,
                                        MarginRankingLoss, MultiLabelSoftMarginLoss,
                                        MultiMarginLoss, PoissonNLLLoss,
                                        SoftMarginLoss, TripletMarginLoss)
from teachtorch.nn.modules.padding import (CircularPad1d, CircularPad2d,  # noqa: F401
                                           CircularPad3d, ConstantPad1d, ConstantPad2d,
                                           ConstantPad3d, ReflectionPad1d,
                                           ReflectionPad2d, ReflectionPad3d,
                                           ReplicationPad1d, ReplicationPad2d,
                                           ReplicationPad3d, ZeroPad1d, ZeroPad2d,
                                           ZeroPad3d)
from teachtorch.nn.modules.normalization import RMSNorm  # noqa: F401
from teachtorch.nn.modules.attention import MultiheadAttention  # noqa: F401
from teachtorch.nn.modules.upsampling import (PixelShuffle, PixelUnshuffle,  # noqa: F401
                                              Upsample, UpsamplingBilinear2d,
                                              UpsamplingNearest2d)

# conv, pooling and recurrent layers
from teachtorch.nn.modules.conv import Conv1d, Conv2d, ConvTranspose2d  # noqa: F401,E402
from teachtorch.nn.modules.pooling import (AdaptiveAvgPool1d, AdaptiveAvgPool2d,  # noqa: F401,E402
                                           AdaptiveMaxPool2d, AvgPool1d, AvgPool2d,
                                           MaxPool1d, MaxPool2d, MaxUnpool2d)
from teachtorch.nn.modules.rnn import GRU, LSTM, RNN, RNNBase  # noqa: F401,E402
from teachtorch.nn.modules.rnn_cell import (GRUCell, LSTMCell, RNNCell,  # noqa: F401,E402
                                            RNNCellBase)
from teachtorch.nn.modules.layer_variants import (AdaptiveMaxPool1d,  # noqa: F401,E402
                                                AlphaDropout, ChannelShuffle,
                                                ConvTranspose1d, FeatureAlphaDropout,
                                                LocalResponseNorm, LPPool1d, LPPool2d,
                                                MaxUnpool1d, MultiLabelMarginLoss,
                                                NLLLoss2d, RReLU,
                                                TripletMarginWithDistanceLoss)
from teachtorch.nn.modules.transformer import (Transformer,  # noqa: F401,E402
                                               TransformerDecoder,
                                               TransformerDecoderLayer,
                                               TransformerEncoder,
                                               TransformerEncoderLayer)
