"""What ``weights=`` / ``pretrained=`` do here: nothing downloads, so they refuse."""
from teachtorch import _errors


def check_no_weights(arch, weights, kwargs):
    """Raise a clear error when pretrained weights are asked for.

    torchvision would download them; teachtorch never downloads. Build the model
    with ``weights=None`` and load a state_dict file you have locally.
    """
    pretrained = kwargs.pop("pretrained", False)
    if weights is None and not pretrained:
        return
    asked = f"weights={weights!r}" if weights is not None else "pretrained=True"
    raise RuntimeError(
        _errors.hint(f"{arch}({asked}): pretrained weights cannot be downloaded in teachtorch (it "
        "never downloads anything).", "build the architecture with "
        f"model = {arch}(weights=None), then load a weights file you have locally: "
        "model.load_state_dict(torch.load(path)). The state_dict keys are "
        "torchvision's, so a file saved from torchvision's model loads into it."))
