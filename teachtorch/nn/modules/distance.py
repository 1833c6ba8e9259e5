"""Distance layers: CosineSimilarity and PairwiseDistance.

Chapter 13 (embeddings) opens this file.
"""
from teachtorch.nn import functional as F
from teachtorch.nn.modules.module import Module


class CosineSimilarity(Module):
    """cos(angle) between x1 and x2 along dim. Mirrors: torch.nn.CosineSimilarity"""

    def __init__(self, dim=1, eps=1e-8):
        super().__init__()
        self.dim = dim
        self.eps = eps

    def forward(self, x1, x2):
        return F.cosine_similarity(x1, x2, self.dim, self.eps)


class PairwiseDistance(Module):
    """||x1 - x2 + eps||_p over the last dim. Mirrors: torch.nn.PairwiseDistance"""

    def __init__(self, p=2.0, eps=1e-6, keepdim=False):
        super().__init__()
        self.norm = p
        self.eps = eps
        self.keepdim = keepdim

    def forward(self, x1, x2):
        return F.pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)
