
"""Loss mistakes: targets of the wrong dtype, shape, range or dimension."""

CASES = []

TARGETS = [
    ("class ids", "torch.tensor([1, 0])"),
    ("0-dim target", "torch.tensor(1)"),
    ("one-hot float", "torch.tensor([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])"),
    ("one-hot long", "torch.tensor([[0, 1, 0], [1, 0, 0]])"),
    ("float ids", "torch.tensor([1.0, 0.0])"),
    ("id 3 out of range", "torch.tensor([3, 0])"),
    ("id -1", "torch.tensor([-1, 0])"),
    ("id -100", "torch.tensor([-100, 0])"),
    ("batch 3", "torch.tensor([1, 0, 2])"),
    ("int32 ids", "torch.tensor([1, 0], dtype=torch.int32)"),
    ("same-shape float", "torch.full((2, 3), 0.5)"),
    ("(2,1) target", "torch.tensor([[1], [0]])"),
    ("bool target", "torch.tensor([True, False])"),
    ("list target", "[1, 0]"),
    ("empty", "torch.tensor([], dtype=torch.int64)"),
]
X = "x = torch.tensor([[1.0, 2.0, 0.5], [0.1, 0.2, 3.0]], requires_grad=True)\n"
LOSSES = ["nn.CrossEntropyLoss()", "nn.NLLLoss()", "nn.MSELoss()", "nn.L1Loss()",
          "nn.BCELoss()", "nn.BCEWithLogitsLoss()", "nn.SmoothL1Loss()", "nn.HuberLoss()",
          "nn.KLDivLoss(reduction='batchmean')", "nn.MultiMarginLoss()",
          "nn.CrossEntropyLoss(label_smoothing=0.1)", "nn.CrossEntropyLoss(reduction='none')",
          "nn.CrossEntropyLoss(ignore_index=0)",
          "nn.CrossEntropyLoss(weight=torch.tensor([1.0, 2.0, 3.0]))"]
for loss in LOSSES:
    for name, target in TARGETS:
        pred = "x.sigmoid()" if "BCELoss" in loss else "x"
        CASES.append((f"loss: {loss} {name}", X + f"loss = {loss}({pred}, {target})\n"
                      "loss.sum().backward()\nout = (loss, x.grad)"))

for code in [
    "nn.CrossEntropyLoss()(torch.zeros(1, 5), torch.tensor(3))",
    "nn.CrossEntropyLoss()(torch.zeros(5), torch.tensor(3))",
    "nn.CrossEntropyLoss()(torch.zeros(5), torch.tensor([3]))",
    "nn.CrossEntropyLoss()(torch.zeros(2, 5, 4), torch.tensor([[1, 2, 3, 4], [0, 0, 0, 0]]))",
    "nn.CrossEntropyLoss()(torch.zeros(2, 5, 4), torch.tensor([1, 2]))",
    "nn.CrossEntropyLoss()(torch.zeros(2, 3).long(), torch.tensor([1, 2]))",
    "nn.CrossEntropyLoss()(torch.zeros(2, 3).double(), torch.tensor([1, 2]))",
    "nn.CrossEntropyLoss(reduction='bogus')(torch.zeros(2, 3), torch.tensor([1, 2]))",
    "nn.CrossEntropyLoss(reduction='bogus')",
    "nn.CrossEntropyLoss(weight=torch.ones(2))(torch.zeros(2, 3), torch.tensor([1, 2]))",
    "nn.CrossEntropyLoss(ignore_index=1)(torch.zeros(1, 3), torch.tensor([1]))",
    "nn.CrossEntropyLoss(label_smoothing=1.5)(torch.zeros(2, 3), torch.tensor([1, 2]))",
    "nn.CrossEntropyLoss()(torch.zeros(0, 3), torch.tensor([], dtype=torch.int64))",
    "nn.CrossEntropyLoss(size_average=False)(torch.zeros(2, 3), torch.tensor([1, 2]))",
    "nn.NLLLoss()(torch.zeros(2, 3), torch.tensor([1, 5]))",
    "nn.NLLLoss()(torch.zeros(3), torch.tensor(1))",
    "F.nll_loss(torch.zeros(2, 3), torch.tensor([1, 2]), reduction='sum')",
    "F.cross_entropy(torch.zeros(2, 3), torch.tensor([1, 2]), foo=1)",
    "F.cross_entropy(torch.zeros(2, 3), torch.tensor([[0.2, 0.3, 0.5], [1.0, 0, 0]]))",
    "nn.MSELoss()(torch.zeros(2, 3), torch.zeros(3))",
    "nn.MSELoss()(torch.zeros(2, 1), torch.zeros(2))",
    "nn.MSELoss()(torch.zeros(2), torch.zeros(3))",
    "nn.MSELoss()(torch.zeros(2), torch.zeros(2).long())",
    "nn.MSELoss()(torch.zeros(2).long(), torch.zeros(2).long())",
    "nn.MSELoss()(torch.zeros(2), [0.0, 0.0])",
    "nn.MSELoss(reduction='sum')(torch.ones(2), torch.zeros(2))",
    "nn.MSELoss(reduce=False)(torch.ones(2), torch.zeros(2))",
    "nn.L1Loss()(torch.zeros(2), torch.zeros(2, 2))",
    "nn.BCELoss()(torch.tensor([1.5]), torch.tensor([1.0]))",
    "nn.BCELoss()(torch.tensor([0.5]), torch.tensor([2.0]))",
    "nn.BCELoss()(torch.tensor([0.5]), torch.tensor([1]))",
    "nn.BCELoss()(torch.tensor([0.5, 0.2]), torch.tensor([1.0]))",
    "nn.BCELoss()(torch.tensor([0.0, 1.0]), torch.tensor([1.0, 0.0]))",
    "nn.BCELoss()(torch.tensor([[0.5, 0.2]]), torch.tensor([1.0, 0.0]))",
    "nn.BCEWithLogitsLoss()(torch.tensor([0.5]), torch.tensor([1]))",
    "nn.BCEWithLogitsLoss()(torch.tensor([0.5, 0.3]), torch.tensor([1.0]))",
    "nn.BCEWithLogitsLoss(pos_weight=torch.tensor([2.0]))(torch.tensor([0.5]), torch.tensor([1.0]))",
    "nn.BCEWithLogitsLoss()(torch.tensor([100.0, -100.0]), torch.tensor([0.0, 1.0]))",
    "nn.KLDivLoss()(torch.zeros(2), torch.ones(2))",
    "nn.KLDivLoss(reduction='batchmean')(torch.zeros(2, 2), torch.ones(2, 3))",
    "nn.NLLLoss()(torch.zeros(2, 3), torch.tensor([1.0, 2.0]))",
    "nn.HuberLoss(delta=-1.0)(torch.zeros(2), torch.ones(2))",
    "nn.SmoothL1Loss(beta=-1.0)(torch.zeros(2), torch.ones(2))",
    "nn.CosineEmbeddingLoss()(torch.ones(2, 3), torch.ones(2, 3), torch.tensor([1, 2]))",
    "nn.MarginRankingLoss()(torch.ones(2), torch.ones(3), torch.ones(2))",
    "nn.TripletMarginLoss()(torch.ones(2, 3), torch.ones(2, 3), torch.ones(2, 4))",
    "nn.CTCLoss()",
    "F.mse_loss(torch.zeros(2), torch.zeros(2), reduction='avg')",
    "F.binary_cross_entropy(torch.tensor([0.5]), torch.tensor([1.0]), weight=torch.ones(2))",
    "F.l1_loss(torch.ones(2), torch.ones(2), 'mean')",
]:
    CASES.append((f"loss: {code}", code))
