"""Code of the notes' era runs as on PyTorch 2.13.

Where PyTorch 2.13 still accepts an old idiom, teachtorch gives the same result and
the same warning; where PyTorch raises, teachtorch raises the same error type and
wording, then a hint with the modern form. Each case runs on both libraries.
"""
import subprocess
import sys
import warnings

import numpy as np
import pytest
from helpers import assert_close, both

import teachtorch

torch = pytest.importorskip("torch")


def _first_line(exc):
    return str(exc).split("\nhint:")[0]


def _raises_like_torch(call):
    with pytest.raises(Exception) as theirs:
        call(torch)
    with pytest.raises(type(theirs.value)) as ours:
        call(teachtorch)
    assert _first_line(ours.value) == str(theirs.value).strip() or \
        str(theirs.value).startswith(_first_line(ours.value)), (ours.value, theirs.value)
    assert "\nhint: " in str(ours.value)
    return ours.value


# ----- conversions ---------------------------------------------------------------------
@pytest.mark.parametrize("target", ["LongTensor", "'torch.LongTensor'", "DoubleTensor",
                                    "'torch.ByteTensor'", "int64"])
def test_type_converts_like_torch(target):
    def run(lib):
        x = lib.tensor([1.7, -2.2, 3.0])
        arg = target.strip("'") if target.startswith("'") else getattr(lib, target)
        return x.type(arg)
    ours, theirs = both(run)
    assert_close(ours, theirs)


@pytest.mark.parametrize("args", ["torch.LongTensor", "[1]", "foo=1"])
def test_to_refuses_what_it_does_not_understand(args):
    def call(lib):
        x = lib.ones(2)
        if args == "foo=1":
            return x.to(foo=1)
        return x.to(lib.LongTensor if args == "torch.LongTensor" else [1])
    err = _raises_like_torch(call)
    assert "received an invalid combination of arguments" in str(err)


@pytest.mark.parametrize("args", [("float",), (None,), ("float64", True),
                                  ("cpu", "int64"), ("float64", False, True)])
def test_to_accepts_what_torch_accepts(args):
    def run(lib):
        conv = [float if a == "float" else getattr(lib, a) if a in ("float64", "int64")
                else a for a in args]
        y = lib.ones(2).to(*conv)
        return y
    ours, theirs = both(run)
    assert_close(ours, theirs)


def test_type_with_a_python_type_raises_like_torch():
    _raises_like_torch(lambda lib: lib.ones(2).type(float))


# ----- small behaviours ------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["{}", "{:.2f}", "{:>10.3f}", "%f", "%.1f", "%d"])
def test_format_of_a_0dim_tensor_prints_the_number(fmt):
    def run(lib):
        t = lib.tensor(69.21) if fmt != "%d" else lib.tensor(7)
        return fmt % t if fmt.startswith("%") else fmt.format(t)
    ours, theirs = both(run)
    assert ours == theirs


def test_format_of_other_tensors_stays_the_repr():
    def run(lib):
        return ["{}".format(lib.tensor([1.5, 2.0])),  # noqa: UP032 - the old idiom
                "{}".format(lib.nn.Parameter(lib.tensor(1.0)))]  # noqa: UP032
    ours, theirs = both(run)
    assert ours == theirs


def test_loss_data_0_raises_like_torch():
    err = _raises_like_torch(lambda lib: lib.tensor(2.5).data[0])
    assert "item()" in str(err).split("\nhint:")[1]


def test_unseeded_programs_draw_a_fresh_seed_per_process():
    code = ("import teachtorch as t; print(t.initial_seed(), t.rand(3).tolist(), "
            "t.Generator().initial_seed())")
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True).stdout.split(" ", 1) for _ in range(2)]
    assert runs[0][0] != runs[1][0] and runs[0][1] != runs[1][1]
    assert runs[0][1].rstrip().endswith("67280421310721")  # a new Generator: fixed
    seeded = ("import teachtorch as t; t.manual_seed(3); print(t.initial_seed(), "
              "t.rand(3).tolist())")
    outs = {subprocess.run([sys.executable, "-c", seeded], capture_output=True,
                           text=True, check=True).stdout for _ in range(2)}
    assert len(outs) == 1 and outs.pop().startswith("3 ")


# ----- legacy constructors and sizes ------------------------------------------------------
def test_tensor_new_keeps_dtype_and_device():
    def run(lib):
        x = lib.tensor([1, 2], dtype=lib.float64)
        empty = [x.new(2, 3), x.new(), x.new(lib.Size([1, 2]))]  # uninitialised
        return ([(tuple(e.shape), str(e.dtype)) for e in empty],
                [x.new([4, 5]), x.new(lib.tensor([1.0, 2.0], dtype=lib.float64))])
    (shapes, ours), (tshapes, theirs) = both(run)
    assert shapes == tshapes
    for o, t in zip(ours, theirs):
        assert_close(o, t)


def test_tensor_new_from_another_dtype_raises_like_torch():
    _raises_like_torch(lambda lib: lib.ones(2).new(lib.tensor([1, 2])))


@pytest.mark.parametrize("fn", ["zeros(2, 3)", "ones(4)", "empty(2)", "arange(5)",
                                "arange(0, 1, 0.25)", "linspace(0, 1, 5)",
                                "full((2,), 7.0)", "eye(3)", "logspace(0, 2, 3)"])
def test_out_on_creation_functions(fn):
    def run(lib):
        out = lib.empty(0)
        r = eval(f"lib.{fn[:-1]}, out=out)" if fn.endswith(")") else fn)
        return r is out, out
    (same, ours), (tsame, theirs) = both(run)
    assert same and tsame
    if fn.startswith("empty"):  # uninitialised in PyTorch: only shape and dtype
        assert tuple(ours.shape) == tuple(theirs.shape)
        assert str(ours.dtype) == str(theirs.dtype)
    else:
        assert_close(ours, theirs)


def test_out_keeps_its_dtype_and_random_fills_it():
    def run(lib):
        out = lib.empty(3, dtype=lib.int64)
        lib.zeros(2, out=out)
        buf = lib.empty(0)
        lib.randn(4, out=buf)
        ints = lib.empty(0, dtype=lib.int64)
        lib.randint(0, 5, (6,), out=ints)
        return out, buf.shape, buf.dtype, ints.dtype, bool(((ints >= 0) & (ints < 5)).all())
    ours, theirs = both(run)
    assert_close(ours[0], theirs[0])
    assert tuple(ours[1]) == tuple(theirs[1]) and str(ours[2]) == str(theirs[2])
    assert str(ours[3]) == str(theirs[3]) and ours[4] and theirs[4]


def test_out_errors_like_torch():
    _raises_like_torch(lambda lib: lib.zeros(2, dtype=lib.float32,
                                             out=lib.empty(2, dtype=lib.long)))
    _raises_like_torch(lambda lib: lib.zeros(2, out=lib.empty(0, requires_grad=True)))


def test_arange_out_of_the_wrong_size_warns_like_torch():
    def run(lib):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            r = lib.arange(5, out=lib.empty(3, dtype=lib.long))
        return r, [str(w.message).split(" (Triggered")[0] for w in caught]
    (r, w), (tr, tw) = both(run)
    assert_close(r, tr)
    assert w == tw


def test_0dim_integer_tensors_as_sizes():
    def run(lib):
        lengths = lib.tensor([3, 5])
        n = lengths.max()
        return [lib.zeros(2, n), lib.ones(n), lib.zeros((2, lengths[0])),
                lib.randn(n).shape, lib.ones(2, 3).view(lengths[0], -1),
                lib.ones(6).reshape(lengths[0], -1),
                lib.ones(1, 3).expand(lengths[0], 3), lib.empty(lengths[1]).shape]
    for o, t in zip(*both(run)):
        if hasattr(o, "_data"):
            assert_close(o, t)
        else:
            assert tuple(o) == tuple(t)


@pytest.mark.parametrize("ctor,np_dtype,shares", [
    ("Tensor", np.float32, True), ("Tensor", np.float64, False),
    ("FloatTensor", np.float32, True), ("LongTensor", np.int64, True),
    ("DoubleTensor", np.float32, False),
])
def test_legacy_constructors_share_numpy_memory_like_torch(ctor, np_dtype, shares):
    def run(lib):
        a = np.zeros(3, dtype=np_dtype)
        t = getattr(lib, ctor)(a)
        a[0] = 5
        return t
    ours, theirs = both(run)
    assert_close(ours, theirs)
    assert (float(ours[0]) == 5) is shares


def test_longtensor_of_a_storage_shares_it():
    def run(lib):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            s = lib.tensor([1, 2, 3]).storage()
            t = lib.LongTensor(s)
            t[0] = 9
            return s.tolist(), t
    (s, t), (ts, tt) = both(run)
    assert s == ts == [9, 2, 3]
    assert_close(t, tt)


def test_uint8_mask_warns_then_acts_as_bool():
    def run(lib):
        m = lib.tensor([1, 0, 1], dtype=lib.uint8)
        x = lib.arange(3)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            picked = x[m]
            x[m] = lib.tensor([7, 8])  # a tensor of values: index_put_, accepted
        return picked, x, {str(w.message).split(" (Triggered")[0] for w in caught}
    (p, x, w), (tp, tx, tw) = both(run)
    assert_close(p, tp)
    assert_close(x, tx)
    assert w == tw and len(w) == 1


@pytest.mark.parametrize("value", ["7", "lib.tensor(7)"])
def test_uint8_mask_fill_with_a_scalar_raises_like_torch(value):
    def call(lib):
        x = lib.arange(3)
        x[lib.tensor([1, 0, 1], dtype=lib.uint8)] = eval(value)
    _raises_like_torch(call)


# ----- global settings ------------------------------------------------------------------
def test_set_default_tensor_type_warns_once_and_switches():
    import teachtorch.threads

    teachtorch.threads._warned[0] = False

    def run(lib):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            lib.set_default_tensor_type(lib.DoubleTensor)
            a = lib.zeros(1).dtype, lib.tensor(1.5).dtype
            lib.set_default_tensor_type("torch.FloatTensor")
            b = lib.zeros(1).dtype
        return str(a), str(b), [str(w.message).split(" (Triggered")[0] for w in caught]
    ours, theirs = both(run)
    assert ours == theirs
    assert teachtorch.get_default_dtype() is teachtorch.float32


def test_set_default_tensor_type_refuses_integers_like_torch():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _raises_like_torch(lambda lib: lib.set_default_tensor_type(lib.LongTensor))


def test_set_num_threads_limits_blas():
    before = teachtorch.get_num_threads()
    try:
        teachtorch.set_num_threads(2)
        assert teachtorch.get_num_threads() == 2
        teachtorch.set_num_threads(1)
        assert teachtorch.get_num_threads() == 1
    finally:
        teachtorch.set_num_threads(before)


def test_bfloat16_is_a_dtype_name_that_refuses_data():
    assert repr(teachtorch.bfloat16) == repr(torch.bfloat16)
    assert teachtorch.bfloat16.is_floating_point
    assert teachtorch.bfloat16.itemsize == torch.bfloat16.itemsize
    for call in (lambda: teachtorch.zeros(2, dtype=teachtorch.bfloat16),
                 lambda: teachtorch.ones(2).bfloat16(),
                 lambda: teachtorch.ones(2).to(teachtorch.bfloat16)):
        with pytest.raises(TypeError, match="bfloat16") as info:
            call()
        assert "float16" in str(info.value).split("hint:")[1]


# ----- autograd -----------------------------------------------------------------------------
def test_grad_fn_apply_on_a_custom_function_node():
    def run(lib):
        class Double(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x * 2

            @staticmethod
            def backward(ctx, grad):
                (x,) = ctx.saved_tensors
                return grad * 2 + x

        y = Double.apply(lib.tensor([1.0, 2.0], requires_grad=True))
        return y.grad_fn.apply(lib.ones(2)), hasattr((y * 3).grad_fn, "apply")
    (g, has), (tg, thas) = both(run)
    assert_close(g, tg)
    assert has == thas is False


def test_variable_still_works():
    def run(lib):
        v = lib.autograd.Variable(lib.ones(2), requires_grad=True)
        (v * 3).sum().backward()
        return v.grad, type(v).__name__
    (g, name), (tg, tname) = both(run)
    assert_close(g, tg)
    assert name == tname


# ----- torchvision's deprecated dataset attributes ------------------------------------------
@pytest.mark.parametrize("old,new", [("train_data", "data"), ("test_data", "data"),
                                     ("train_labels", "targets"),
                                     ("test_labels", "targets")])
def test_mnist_old_attribute_names_warn_and_return_the_new(tmp_path, old, new):
    from teachtorch.vision import datasets

    ds = datasets.MNIST(root=str(tmp_path), train=False)
    with pytest.warns(UserWarning, match=f"^{old} has been renamed {new}$"):
        value = getattr(ds, old)
    assert value is getattr(ds, new)


def test_cifar10_old_attribute_names_raise_as_in_torchvision(tmp_path):
    from teachtorch.vision import datasets
    from teachtorch.vision.datasets.cifar import write_cifar10

    write_cifar10(str(tmp_path), np.zeros((2, 32, 32, 3), np.uint8), [0, 1])
    ds = datasets.CIFAR10(str(tmp_path), train=False)
    with pytest.raises(AttributeError) as info:
        ds.train_data  # noqa: B018
    assert str(info.value).startswith("'CIFAR10' object has no attribute 'train_data'")
    assert "dataset.data" in str(info.value)


def test_kmnist_reads_mnist_idx_files_from_its_own_folder(tmp_path):
    import gzip
    import os

    from teachtorch.vision import datasets

    raw = tmp_path / "KMNIST" / "raw"
    os.makedirs(raw)
    images = np.arange(2 * 28 * 28, dtype=np.uint8).reshape(2, 28, 28)
    with gzip.open(raw / "t10k-images-idx3-ubyte.gz", "wb") as f:
        f.write(np.array([0, 0, 8, 3], np.uint8).tobytes() +
                np.array([2, 28, 28], ">i4").tobytes() + images.tobytes())
    with gzip.open(raw / "t10k-labels-idx1-ubyte.gz", "wb") as f:
        f.write(np.array([0, 0, 8, 1], np.uint8).tobytes() +
                np.array([2], ">i4").tobytes() + bytes([3, 9]))
    ds = datasets.KMNIST(str(tmp_path), train=False)
    assert len(ds) == 2 and ds.targets.tolist() == [3, 9]
    np.testing.assert_array_equal(ds.data.numpy(), images)
    assert ds.classes[9] == "wo" and len(ds.classes) == 10
