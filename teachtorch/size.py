"""torch.Size: the shape of a tensor, a tuple that prints as torch.Size([2, 3])."""


class Size(tuple):
    """A tuple of dimension lengths.

    Mirrors: torch.Size
    """

    def __repr__(self):
        return f"torch.Size([{', '.join(str(n) for n in self)}])"

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, i):
        r = tuple.__getitem__(self, i)
        return Size(r) if isinstance(i, slice) else r
