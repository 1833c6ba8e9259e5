"""Broadcasting, dim by dim: shapes right-aligned, the rule applied at each dim, and the
result shape or the exact error PyTorch raises (what BroadcastView shows).

Chapter 03 (broadcasting, reductions, expand) opens this file.
"""
from teachtorch import _errors


def parse_shape(text):
    """'2, 3, 1' or '(2, 3, 1)' -> (2, 3, 1); '' or '()' -> ()."""
    text = str(text).strip().strip("()[]").strip()
    if not text:
        return ()
    parts = [p.strip() for p in text.split(",") if p.strip()]
    try:
        shape = tuple(int(p) for p in parts)
    except ValueError:
        raise ValueError(_errors.hint(f"could not read a shape from {text!r}", "write sizes "
                         "separated by commas, e.g. 2, 3, 1")) from None
    if any(n < 0 for n in shape):
        raise ValueError(_errors.hint(f"negative dimension in {shape}", "sizes are >= 0"))
    return shape


def explain(shape_a, shape_b):
    """Right-align two shapes and apply the rule at every dim.

    Returns {"rows": [(dim, a_size or None, b_size or None, result or None, rule)],
    "shape": result shape or None, "error": PyTorch's message or None}. Dims are
    listed left to right; dim is the position in the result (0 = leftmost).

    Math: sizes must be equal, or one of them 1 (or missing) at each trailing dim
    Mirrors: torch.broadcast_shapes, and the error of a + b
    """
    a, b = tuple(shape_a), tuple(shape_b)
    n = max(len(a), len(b))
    pa = (None,) * (n - len(a)) + a
    pb = (None,) * (n - len(b)) + b
    rows = []
    for dim, (x, y) in enumerate(zip(pa, pb)):
        if x is None or y is None:
            size = y if x is None else x
            who = "a" if x is None else "b"
            rule = f"{who} has no dim here: treated as 1, stretched to {size}"
            rows.append((dim, x, y, size, rule))
        elif x == y:
            rows.append((dim, x, y, x, "equal sizes: kept"))
        elif x == 1 or y == 1:
            size = y if x == 1 else x
            who = "a" if x == 1 else "b"
            rule = f"{who} has size 1: stretched to {size} (stride 0, no copy)"
            rows.append((dim, x, y, size, rule))
        else:
            rows.append((dim, x, y, None, f"{x} vs {y}: neither is 1, cannot broadcast"))
    # PyTorch names the right-most mismatching dim
    bad = [r for r in rows if r[3] is None]
    if bad:
        dim, x, y = bad[-1][:3]
        error = (f"The size of tensor a ({x}) must match the size of tensor b ({y}) at "
                 f"non-singleton dimension {dim}")
        hint = (_errors.hint_line("right-align the shapes; at each dim the sizes must be equal "
                "or one of them 1. Use .unsqueeze()/.view() to add a size-1 dim where "
                "you mean it to stretch."))
        return {"rows": rows, "shape": None, "error": error + hint}
    return {"rows": rows, "shape": tuple(r[3] for r in rows), "error": None}
