"""teachtorch.vision.models: torchvision's architectures with its state_dict keys.

``weights=None`` (the default) builds a randomly initialised model; asking for
pretrained weights raises an error that says how to load a local file instead.
"""
from teachtorch.vision.models.alexnet import AlexNet, alexnet  # noqa: F401
from teachtorch.vision.models.resnet import (  # noqa: F401
                                             BasicBlock,
                                             Bottleneck,
                                             ResNet,
                                             resnet18,
                                             resnet34,
                                             resnet50,
                                             resnet101,
                                             resnet152,
)
from teachtorch.vision.models.squeezenet import (  # noqa: F401
                                                    SqueezeNet,
                                                    squeezenet1_0,
                                                    squeezenet1_1,
)
from teachtorch.vision.models.vgg import (  # noqa: F401
                                             VGG,
                                             vgg11,
                                             vgg11_bn,
                                             vgg13,
                                             vgg13_bn,
                                             vgg16,
                                             vgg16_bn,
                                             vgg19,
                                             vgg19_bn,
)


# a name PyTorch has and teachtorch lacks: PyTorch's AttributeError plus a hint
from teachtorch._api_gaps import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr(__name__, "torchvision.models")
