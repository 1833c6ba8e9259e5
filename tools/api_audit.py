"""Sort every public PyTorch name into implemented / missing / out of scope.

    PYTHONPATH=. python tools/api_audit.py            # rewrites tests/api_coverage.json
    PYTHONPATH=. python tools/api_audit.py --table    # also prints the README table

Reads the installed torch with dir(); a name is "implemented" when teachtorch has
it, "out_of_scope" when a rule in teachtorch/_api_gaps.py says why the course leaves
that part of PyTorch out, else "missing". torchvision is not installed here, so its
public names of datasets / transforms / models / utils are listed below as data,
written from torchvision's documentation (0.2x).
tests/test_api_coverage.py checks the file against teachtorch.
"""
import importlib
import inspect
import json
import os
import sys
import types
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "tests", "api_coverage.json")
ABSENT_FILE = os.path.join(HERE, "..", "teachtorch", "_tensor_absent.py")

# (key, torch object, teachtorch object)
NAMESPACES = [
    ("torch", "torch", "teachtorch"),
    ("torch.Tensor", "torch:Tensor", "teachtorch:Tensor"),
    ("torch.nn", "torch.nn", "teachtorch.nn"),
    ("torch.nn.functional", "torch.nn.functional", "teachtorch.nn.functional"),
    ("torch.optim", "torch.optim", "teachtorch.optim"),
    ("torch.optim.lr_scheduler", "torch.optim.lr_scheduler",
     "teachtorch.optim.lr_scheduler"),
    ("torch.utils.data", "torch.utils.data", "teachtorch.utils.data"),
    ("torch.autograd", "torch.autograd", "teachtorch.autograd"),
]

# torchvision's public names, from its documentation (torchvision is not installed)
TORCHVISION = {
    "torchvision.datasets": """
        Caltech101 Caltech256 CelebA CIFAR10 CIFAR100 Country211 DTD EMNIST EuroSAT
        FakeData FashionMNIST FER2013 FGVCAircraft Flickr8k Flickr30k Flowers102 Food101
        GTSRB INaturalist ImageNet Imagenette KMNIST LFWPeople LSUN MNIST Omniglot
        OxfordIIITPet Places365 PCAM QMNIST RenderedSST2 SEMEION SBU StanfordCars STL10
        SUN397 SVHN USPS CocoDetection CocoCaptions VOCSegmentation VOCDetection
        Cityscapes SBDataset WIDERFace Kitti LFWPairs PhotoTour HMDB51 Kinetics UCF101
        MovingMNIST DatasetFolder ImageFolder VisionDataset wrap_dataset_for_transforms_v2
        """,
    "torchvision.transforms": """
        Compose ToTensor PILToTensor ConvertImageDtype ToPILImage Normalize Resize
        CenterCrop Pad Lambda RandomApply RandomChoice RandomOrder RandomCrop
        RandomHorizontalFlip RandomVerticalFlip RandomResizedCrop FiveCrop TenCrop
        LinearTransformation ColorJitter RandomRotation RandomAffine Grayscale
        RandomGrayscale RandomPerspective RandomErasing GaussianBlur InterpolationMode
        RandomInvert RandomPosterize RandomSolarize RandomAdjustSharpness
        RandomAutocontrast RandomEqualize ElasticTransform AutoAugment
        AutoAugmentPolicy RandAugment TrivialAugmentWide AugMix functional v2
        """,
    "torchvision.models": """
        alexnet AlexNet vgg11 vgg11_bn vgg13 vgg13_bn vgg16 vgg16_bn vgg19 vgg19_bn VGG
        resnet18 resnet34 resnet50 resnet101 resnet152 ResNet resnext50_32x4d
        resnext101_32x8d resnext101_64x4d wide_resnet50_2 wide_resnet101_2
        squeezenet1_0 squeezenet1_1 SqueezeNet densenet121 densenet161 densenet169
        densenet201 DenseNet inception_v3 Inception3 googlenet GoogLeNet
        shufflenet_v2_x0_5 shufflenet_v2_x1_0 shufflenet_v2_x1_5 shufflenet_v2_x2_0
        ShuffleNetV2 mobilenet_v2 MobileNetV2 mobilenet_v3_large mobilenet_v3_small
        MobileNetV3 mnasnet0_5 mnasnet0_75 mnasnet1_0 mnasnet1_3 MNASNet efficientnet_b0
        efficientnet_b1 efficientnet_b2 efficientnet_b3 efficientnet_b4 efficientnet_b5
        efficientnet_b6 efficientnet_b7 efficientnet_v2_s efficientnet_v2_m
        efficientnet_v2_l EfficientNet regnet_y_400mf regnet_x_400mf RegNet vit_b_16
        vit_b_32 vit_l_16 vit_l_32 vit_h_14 VisionTransformer swin_t swin_s swin_b
        SwinTransformer maxvit_t MaxVit convnext_tiny convnext_small convnext_base
        convnext_large ConvNeXt get_model get_model_weights get_weight list_models
        detection segmentation video optical_flow quantization
        """,
    "torchvision.utils": """
        make_grid save_image draw_bounding_boxes draw_segmentation_masks draw_keypoints
        flow_to_image
        """,
}
def _resolve(path):
    mod, _, attr = path.partition(":")
    obj = importlib.import_module(mod)
    return getattr(obj, attr) if attr else obj


def _foreign(obj, home):
    """True for names a namespace merely imports (os, typing.Optional, torch.Tensor
    inside lr_scheduler, a constant like math.inf)."""
    if isinstance(obj, types.ModuleType):
        return not obj.__name__.startswith(home)
    mod = getattr(obj, "__module__", None)
    if not isinstance(mod, str):
        return False
    if mod.split(".")[0] in ("typing", "typing_extensions", "collections",
                             "functools", "builtins", "dataclasses", "warnings",
                             "abc", "enum", "math", "weakref"):
        return True
    if home != "torch" and (inspect.isclass(obj) or inspect.isfunction(obj)):
        return not mod.startswith(home)
    return False


def public_names(obj, is_class=False):
    home = "torch" if is_class or obj.__name__ == "torch" else \
        obj.__name__.rsplit(".", 1)[0] if obj.__name__.endswith(
            ("functional", "lr_scheduler")) else obj.__name__
    names = []
    for name in dir(obj):
        if name.startswith("_") or name in ("TYPE_CHECKING", "annotations", "torch"):
            continue
        try:
            value = getattr(obj, name)
        except Exception:  # noqa: BLE001,S112 - a few torch attributes raise on access
            continue
        if not is_class and _foreign(value, home):
            continue
        if not is_class and home != "torch" and isinstance(value, (str, float)):
            continue  # constants such as EPOCH_DEPRECATION_WARNING, inf
        names.append(name)
    return sorted(names)


def classify(key, names, ours):
    from teachtorch import _api_gaps

    out = {"implemented": [], "missing": [], "out_of_scope": {}}
    for name in names:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                getattr(ours, name)
                out["implemented"].append(name)
                continue
            except AttributeError:
                pass
        why = _api_gaps.reason(name, key)
        if why:
            out["out_of_scope"][name] = why
        else:
            out["missing"].append(name)
    return out


def audit():
    import torch

    data = {"torch_version": torch.__version__.split("+")[0],
            "note": "written by tools/api_audit.py; torchvision names from its docs",
            "namespaces": {}}
    for key, theirs, ours in NAMESPACES:
        names = public_names(_resolve(theirs), is_class=":" in theirs)
        data["namespaces"][key] = classify(key, names, _resolve(ours))
    for key, text in TORCHVISION.items():
        ours = importlib.import_module(key.replace("torchvision", "teachtorch.vision"))
        data["namespaces"][key] = classify(key, sorted(set(text.split())), ours)
    return data


def table(data):
    rows = ["| namespace | implemented | missing | out of scope |",
            "|---|---:|---:|---:|"]
    totals = [0, 0, 0]
    for key, d in data["namespaces"].items():
        n = [len(d["implemented"]), len(d["missing"]), len(d["out_of_scope"])]
        totals = [a + b for a, b in zip(totals, n)]
        rows.append(f"| `{key}` | {n[0]} | {n[1]} | {n[2]} |")
    rows.append(f"| all | {totals[0]} | {totals[1]} | {totals[2]} |")
    return "\n".join(rows)


def write_absent(names):
    """teachtorch/_tensor_absent.py: the torch.Tensor names teachtorch lacks."""
    import textwrap

    body = textwrap.fill(", ".join(f'"{n}"' for n in names), width=84,
                         initial_indent="    ", subsequent_indent="    ")
    with open(ABSENT_FILE, "w", encoding="utf-8") as f:
        f.write('"""torch.Tensor names teachtorch does not have (written by '
                'tools/api_audit.py).\n\nEach becomes a descriptor on Tensor that '
                'raises PyTorch\'s AttributeError plus a\nhint '
                '(teachtorch/tensor_legacy.py). Re-run the tool instead of editing.'
                '\n"""\nABSENT = (\n' + body + ',\n)\n')


def main(argv):
    data = audit()
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1, ensure_ascii=False, sort_keys=False)
        f.write("\n")
    d = data["namespaces"]["torch.Tensor"]
    write_absent(sorted(set(d["missing"]) | set(d["out_of_scope"])))
    if "--table" in argv:
        print(table(data))
    if "--missing" in argv:
        for key, d in data["namespaces"].items():
            print(key, " ".join(d["missing"]))


if __name__ == "__main__":
    main(sys.argv[1:])
