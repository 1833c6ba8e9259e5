"""Read-only walks over the backward graph (the single data source for teachtorch.viz).

Node ids are sequence numbers in creation order, never ``id()``, so pictures of the
same code are identical from run to run.
"""
from teachtorch.autograd.function import AccumulateGrad, Node  # noqa: F401


def walk(root_fn):
    """Every node reachable from root_fn, in a stable order (depth-first, by edge)."""
    order = []
    seen = set()
    stack = [root_fn]
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        order.append(node)
        for nxt, _ in reversed(node.next_functions):
            if nxt is not None and nxt not in seen:
                stack.append(nxt)
    return order
