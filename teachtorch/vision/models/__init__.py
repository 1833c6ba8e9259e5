"""teachtorch.vision.models: torchvision's architectures with its state_dict keys."""
