"""Every user-facing error message: PyTorch's wording first, then a ``hint:`` line.

Chapters and tests point here, so a learner who meets an error in teachtorch meets the
same words they will later meet in PyTorch, plus one line on what to do about it.
Each function returns the message text; the caller raises PyTorch's exception type.
"""


def _type_name(t):
    """PyTorch's legacy name for a tensor type, e.g. 'torch.FloatTensor'."""
    return "torch." + t.dtype.legacy_name


def hint(message, text):
    return f"{message}\nhint: {text}"


def hint_line(text):
    """Just the hint line, for a message whose first part is built elsewhere."""
    return f"\nhint: {text}"


def backward_twice():
    return hint(
        "Trying to backward through the graph a second time (or directly access saved "
        "tensors after they have already been freed). Saved intermediate values of the "
        "graph are freed when you call .backward() or autograd.grad(). Specify "
        "retain_graph=True if you need to backward through the graph a second time or if "
        "you need to access saved tensors after calling backward.",
        "the first backward() freed the values this graph saved. Pass "
        "retain_graph=True to the first call, or run the forward pass again.")


def modified_saved_tensor(t, version, node):
    shape = list(t.shape)
    owner = f"output {t._output_nr} of {t.grad_fn.name()}" if t.grad_fn is not None \
        else "a leaf or a tensor outside the graph"
    return hint(
        "one of the variables needed for gradient computation has been modified by an "
        f"inplace operation: [{_type_name(t)} {shape}], which is {owner}, is at version "
        f"{t._version}; expected version {version} instead. Hint: enable anomaly "
        "detection to find the operation that failed to compute its gradient, with "
        "torch.autograd.set_detect_anomaly(True).",
        f"{node.name()} saved this tensor for backward, and an in-place op (a name "
        "ending in _ , or x[...] = ...) changed it afterwards. Use the out-of-place "
        "form (x = x.relu() instead of x.relu_()) or .clone() before changing it.")


def no_grad_fn(index=0):
    return hint(
        f"element {index} of tensors does not require grad and does not have a grad_fn",
        "nothing in this computation requires grad. Create the leaf with "
        "requires_grad=True (or call .requires_grad_()) before computing with it, "
        "and do not compute it inside torch.no_grad().")


def unused_input():
    return hint(
        "One of the differentiated Tensors appears to not have been used in the graph. "
        "Set allow_unused=True if this is the desired behavior.",
        "an input you asked the gradient for does not reach the output; pass "
        "allow_unused=True to get None for it.")


def wrong_grad_count(node, expected, got):
    return hint(
        f"function {node.name()} returned an incorrect number of gradients (expected "
        f"{expected}, got {got})",
        "backward must return one value per argument of forward (None for arguments "
        "that are not tensors or need no gradient).")


def bad_grad_shape(node, index, got, expected):
    return hint(
        f"Function {node.name()} returned an invalid gradient at index {index} - got "
        f"{list(got)} but expected shape compatible with {list(expected)}",
        "a backward must return a gradient with the same shape as its input.")


def grad_not_scalar():
    return hint(
        "grad can be implicitly created only for scalar outputs",
        "this output has more than one element. Reduce it first (y.sum().backward()), "
        "or pass a gradient of the same shape: y.backward(torch.ones_like(y)).")


def leaf_inplace():
    return hint(
        "a leaf Variable that requires grad is being used in an in-place operation.",
        "change a parameter's values without recording it: inside "
        "`with torch.no_grad():`, or through w.data.")


def numpy_requires_grad():
    return hint(
        "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
        "instead.",
        "numpy() shares memory and autograd cannot follow it there; .detach() gives a "
        "tensor with the same memory and no graph.")


def view_not_contiguous(t):
    return hint(
        "view size is not compatible with input tensor's size and stride (at least one "
        "dimension spans across two contiguous subspaces). Use .reshape(...) instead.",
        f"this tensor has shape {tuple(t.shape)}, stride {t.stride()}, "
        "is_contiguous() False (it came from a transpose, permute, or slice). view never "
        "copies; call .contiguous() first or use .reshape().")


def view_bad_size(shape, numel):
    return hint(
        f"shape '{list(shape)}' is invalid for input of size {numel}",
        f"the new shape must have exactly {numel} elements; use -1 for one dimension to "
        "let it be computed.")


def expanded_write():
    return hint(
        "unsupported operation: more than one element of the written-to tensor refers "
        "to a single memory location. Please clone() the tensor before performing the "
        "operation.",
        "this tensor came from expand() (a stride of 0 reuses one element); writing to "
        "it would change all copies at once. Use .clone() or .repeat() to get real "
        "copies.")


def zero_dim_index():
    return hint(
        "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
        "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number",
        "old code wrote loss.data[0]; a loss is 0-dim now, so write loss.item().")


def dtype_mismatch(op, a, b):
    return hint(
        f"expected m1 and m2 to have the same dtype, but got: {a.name if hasattr(a, 'name') else a} "
        f"!= {b.name if hasattr(b, 'name') else b}",
        f"{op} needs both operands in one dtype. Convert one side, e.g. x.float() "
        "(float32) or x.double(); data from NumPy is often float64.")


def matmul_shapes(a, b):
    sa = "x".join(str(n) for n in a)
    sb = "x".join(str(n) for n in b)
    return hint(
        f"mat1 and mat2 shapes cannot be multiplied ({sa} and {sb})",
        f"the inner sizes must agree: {a[-1]} (columns of the left) vs "
        f"{b[-2] if len(b) > 1 else b[0]} (rows of the right). Check the layer's "
        "in_features or transpose one side.")


def broadcast_shapes(a, b):
    """Message for shapes that do not broadcast; names the first clashing dim."""
    a, b = tuple(a), tuple(b)
    n = max(len(a), len(b))
    pa = (1,) * (n - len(a)) + a
    pb = (1,) * (n - len(b)) + b
    dim = next(i for i in reversed(range(n)) if pa[i] != pb[i] and 1 not in (pa[i], pb[i]))
    return hint(
        f"The size of tensor a ({pa[dim]}) must match the size of tensor b ({pb[dim]}) "
        f"at non-singleton dimension {dim}",
        f"shapes {a} and {b} are lined up from the right; each pair of sizes must be "
        "equal or one of them 1. Use unsqueeze/view to add a size-1 dimension where "
        "you mean to broadcast.")


def cuda_unavailable():
    return hint(
        "Torch not compiled with CUDA enabled",
        "no GPU is visible here (torch.cuda.is_available() is False). Write "
        "device = torch.device('cuda' if torch.cuda.is_available() else 'cpu') and "
        "use .to(device), so the same code runs on both.")


def different_devices(a, b):
    return hint(
        "Expected all tensors to be on the same device, but found at least two devices, "
        f"{a} and {b}!",
        "move every input and the model to one device with .to(device).")


def requires_grad_non_float(dtype):
    return hint(
        "only Tensors of floating point dtype can require gradients",
        f"this tensor is {dtype}; make it float first: x.float().requires_grad_().")


# ----- matrix products: PyTorch's words differ by kernel, so one function each ----
def _cpp(d):
    return d.cpp_name


def _scalar(d):
    return d.legacy_name[:-6]


_MATMUL_DTYPE_HINT = ("both operands of a matrix product need one dtype. Convert one "
                      "side, e.g. x.float() (float32) or x.double(); data from NumPy is "
                      "often float64.")


def mm_dtype(a, b):
    return hint(f"expected m1 and m2 to have the same dtype, but got: {_cpp(a)} != "
                f"{_cpp(b)}", _MATMUL_DTYPE_HINT)


def bmm_dtype(a, b):
    return hint(f"expected scalar type {_scalar(a)} but found {_scalar(b)}",
                _MATMUL_DTYPE_HINT)


def mv_dtype(vec, mat):
    return hint("addmv input tensors must have the same dtype, but got "
                f"{_scalar(vec)}, {_scalar(mat)}, and {_scalar(vec)}", _MATMUL_DTYPE_HINT)


def dot_dtype(a, b):
    return hint("dot : expected both vectors to have same dtype, but found "
                f"{_scalar(a)} and {_scalar(b)}", _MATMUL_DTYPE_HINT)


def mv_size(rows, mat_shape, vec_len):
    mat = "x".join(str(n) for n in mat_shape)
    return hint(
        f"size mismatch, got input ({rows}), mat ({mat}), vec ({vec_len})",
        f"the matrix has {mat_shape[-1]} columns but the vector has {vec_len} elements; "
        "they must agree.")


def bmm_size(expected, got):
    return hint(
        "Expected size for first two dimensions of batch2 tensor to be: "
        f"[{expected[0]}, {expected[1]}] but got: [{got[0]}, {got[1]}].",
        "in a batched product (B, n, k) @ (B, k, m) the batch sizes must agree and the "
        "inner sizes k must match.")


def dot_size(n, m):
    return hint(
        f"inconsistent tensor size, expected tensor [{n}] and src [{m}] to have the same "
        f"number of elements, but got {n} and {m} elements respectively",
        "dot multiplies two vectors element by element, so they need the same length.")


# ----- arithmetic, reductions, softmax ----------------------------------------------
def bool_sub(both_tensors):
    if both_tensors:
        return hint("Subtraction, the `-` operator, with two bool tensors is not "
                    "supported. Use the `^` or `logical_xor()` operator instead.",
                    "for masks, a ^ b is True where exactly one is True.")
    return hint("Subtraction, the `-` operator, with a bool tensor is not supported. If "
                "you are trying to invert a mask, use the `~` or `logical_not()` "
                "operator instead.",
                "convert first (mask.long() or mask.float()) if you mean numbers.")


def bool_neg():
    return hint("Negation, the `-` operator, on a bool tensor is not supported. If you "
                "are trying to invert a mask, use the `~` or `logical_not()` operator "
                "instead.", "~mask flips True and False.")


def int_negative_pow():
    return hint("Integers to negative integer powers are not allowed.",
                "make one side float: x.float() ** -1 or x ** -1.0.")


def mean_not_float(dtype):
    return hint("mean(): could not infer output dtype. Input dtype must be either a "
                f"floating point or complex dtype. Got: {dtype.legacy_name[:-6]}",
                "convert first: x.float().mean() (counts and labels are integers).")


def var_not_float(dtype, name):
    return hint("std and var only support floating point and complex dtypes",
                f"this tensor is {dtype}; convert first: x.float().{name}().")


def where_condition(dtype):
    return hint("where expected condition to be a boolean tensor, but got a tensor with "
                f"dtype {dtype.legacy_name[:-6]}",
                "compare first, e.g. torch.where(x > 0, a, b), or convert with "
                "condition.bool().")


def clamp_no_bounds():
    return hint("torch.clamp: At least one of 'min' or 'max' must not be None",
                "clamp(x, min=0) or clamp(x, max=1) or both.")


def softmax_not_float(name, dtype):
    return hint(f'"{name}_lastdim_kernel_impl" not implemented for '
                f"'{dtype.legacy_name[:-6]}'",
                "softmax works on float scores; convert the logits with x.float().")


def rounding_mode(mode):
    return hint("div expected rounding_mode to be one of None, 'trunc', or 'floor' but "
                f"found '{mode}'", "None is true division; 'floor' is Python's //.")


def inplace_shape(shape, broadcast_shape):
    return hint(f"output with shape {list(shape)} doesn't match the broadcast shape "
                f"{list(broadcast_shape)}",
                "an in-place op writes into the tensor it is called on, so the result "
                "must keep that tensor's shape; use the out-of-place form.")


def inplace_cast(result_dtype, out_dtype):
    return hint(f"result type {result_dtype.legacy_name[:-6]} can't be cast to the "
                f"desired output type {out_dtype.legacy_name[:-6]}",
                "an in-place op keeps the tensor's dtype; convert first (x = x.float()) "
                "or use the out-of-place form.")


def mm_not_matrix(name, a_dim, b_dim):
    return hint(f"{name} must be a matrix",
                f"mm takes two 2-D tensors; got {a_dim}-D and {b_dim}-D. Use "
                "torch.matmul (or @) for other shapes.")


def matmul_0d(a_dim, b_dim):
    return hint(f"both arguments to matmul need to be at least 1D, but they are {a_dim}D "
                f"and {b_dim}D", "use * to multiply by a scalar.")


def invalid_device_ordinal(index, count):
    return hint(
        "CUDA error: invalid device ordinal",
        f"there is no GPU cuda:{index}: torch.cuda.device_count() is {count}; the "
        "GPUs here are " + ", ".join(f"cuda:{i}" for i in range(count)) + ".")


def no_accelerator():
    return hint("Cannot access accelerator device when none is available.",
                "a bare number names a GPU (cuda:N); this machine has none. Leave the "
                "tensor on the CPU, or write device = 'cuda' if "
                "torch.cuda.is_available() else 'cpu'.")



def one_element(t):
    return hint("only one element tensors can be converted to Python scalars",
                f"this tensor has {t._data.size} elements (shape {tuple(t.shape)}); "
                "pick one (x[0]) or reduce first (x.sum(), x.mean()).")


# ----- legacy API and conversions ----------------------------------------------------
_TO_SIGNATURES = (
    " * (torch.device device = None, torch.dtype dtype = None, bool non_blocking = "
    "False, bool copy = False, *, torch.memory_format memory_format = None)\n"
    " * (torch.dtype dtype, bool non_blocking = False, bool copy = False, *, "
    "torch.memory_format memory_format = None)\n"
    " * (Tensor tensor, bool non_blocking = False, bool copy = False, *, "
    "torch.memory_format memory_format = None)\n")


def to_invalid_arguments(got):
    """x.to(...) with an argument it does not understand (e.g. torch.LongTensor)."""
    return hint(f"to() received an invalid combination of arguments - got ({got}), but "
                "expected one of:\n" + _TO_SIGNATURES,
                "x.to takes a dtype (torch.long), a device ('cpu', 'cuda') or a tensor "
                "to match; x.type(torch.LongTensor) is the old spelling of x.long().")


def uint8_index_deprecated():
    """PyTorch's UserWarning text for a uint8 tensor used as a mask."""
    return ("indexing with dtype torch.uint8 is now deprecated, please use a dtype "
            "torch.bool instead.")


def bfloat16_unsupported():
    return hint("teachtorch cannot store torch.bfloat16 data",
                "NumPy has no bfloat16 type, so teachtorch keeps torch.bfloat16 only as "
                "a name. Use torch.float16 (half) or torch.float32 instead.")


def set_default_tensor_type_deprecated():
    """PyTorch's UserWarning text for torch.set_default_tensor_type."""
    return ("torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please "
            "use torch.set_default_dtype() and torch.set_default_device() as "
            "alternatives.")


def default_type_not_float():
    return hint("only floating-point types are supported as the default type",
                "the default type is what torch.tensor(1.5) gets; choose "
                "torch.FloatTensor or torch.DoubleTensor.")


def legacy_new_dtype_mismatch(want, got):
    def options(d):
        return (f"TensorOptions(dtype={d.cpp_name}, device=cpu, layout=Strided, "
                "requires_grad=false (default), pinned_memory=false (default), "
                "memory_format=(nullopt))")
    return hint(f"expected {options(want)} (got {options(got)})",
                "x.new(t) keeps x's dtype; convert first (t.to(x.dtype)) or use "
                "x.new_tensor(t).")


def dim_out_of_range(dim, ndim):
    """A dim outside [-ndim, ndim - 1] (a 0-dim tensor accepts -1 and 0)."""
    lo, hi = (-1, 0) if ndim == 0 else (-ndim, ndim - 1)
    return hint(f"Dimension out of range (expected to be in range of [{lo}, {hi}], but "
                f"got {dim})", f"this tensor has {ndim} dimension(s); dims count from 0 "
                "(or from -1 at the end).")


def view_of_leaf_inplace():
    return hint("a view of a leaf Variable that requires grad is being used in an "
                "in-place operation.", "change a parameter's values inside `with "
                "torch.no_grad():` or through w.data[...] = value.")
