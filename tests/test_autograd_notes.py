"""The notes' autograd snippets, unchanged but for the import, on torch and teachtorch.

Deterministic snippets must print exactly what torch prints (the linear regression of
note 002 ends with w.item() == 1.9999996423721313 in both). Snippets that draw random
numbers are compared by the relation they demonstrate (autograd == the formula).
"""
import contextlib
import io

import numpy as np
import pytest
import torch

import teachtorch


def run(code, lib):
    names = {"torch": lib, "t": lib, "np": np}
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        exec(code, names)  # noqa: S102 - running the notes' code is the point
    return buf.getvalue(), names


def both(code):
    return run(code, torch), run(code, teachtorch)


# ----- note 004: y = x**2 * e**x, by hand and by autograd ------------------------------
NOTE004_F = """
def f(x):
    '''计算y'''
    y = x**2 * t.exp(x)
    return y

def gradf(x):
    '''手动求导函数'''
    dx = 2*x*t.exp(x) + x**2*t.exp(x)
    return dx

x = t.randn(3,4, requires_grad = True)
y = f(x)
y
y.backward(t.ones(y.size())) # gradient形状与y一致
x.grad
gradf(x)
"""


def test_note004_autograd_matches_formula():
    for _, names in both(NOTE004_F):
        x = names["x"]
        np.testing.assert_allclose(x.grad.numpy(), names["gradf"](x).detach().numpy(),
                                   rtol=1e-5, atol=1e-6)
        assert names["y"].grad_fn.name() == "MulBackward0"


def test_note004_formula_same_numbers_as_torch():
    data = np.random.default_rng(4).standard_normal((3, 4)).astype(np.float32)
    grads = []
    for lib in (torch, teachtorch):
        x = lib.tensor(data, requires_grad=True)
        y = x ** 2 * lib.exp(x)
        y.backward(lib.ones(y.size()))
        grads.append(x.grad.numpy())
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-6, atol=1e-7)


NOTE004_GRAPH = """
x = t.ones(1)
b = t.rand(1, requires_grad = True)
w = t.rand(1, requires_grad = True)
y = w * x # 等价于y=w.mul(x)
z = y + b # 等价于z=y.add(b)
print(x.requires_grad, b.requires_grad, w.requires_grad, y.requires_grad)
print(x.is_leaf, w.is_leaf, y.is_leaf, z.is_leaf)
print(z.grad_fn, z.grad_fn.next_functions[1][0], y.grad_fn.next_functions)
# 使用retain_graph来保存buffer
z.backward(retain_graph=True)
print(w.grad)
z.backward()          # 第二次反向传播: 梯度累加
print(w.grad)
"""


def _strip_addresses(text):
    import re

    return re.sub(r" object at 0x[0-9a-f]+", "", text)


def test_note004_graph_retain_graph_and_accumulation():
    (out_t, _), (out_o, _) = both(NOTE004_GRAPH)
    assert _strip_addresses(out_o) == _strip_addresses(out_t)
    assert "tensor([2.])" in out_o


def test_second_backward_without_retain_graph_raises_torch_error():
    msgs = []
    for lib in (torch, teachtorch):
        w = lib.ones(1, requires_grad=True)
        z = (w * lib.tensor([3.0])).exp()  # exp saves its result
        z.backward()
        with pytest.raises(RuntimeError) as e:
            z.backward()
        msgs.append(str(e.value))
    assert msgs[1].split("\nhint:")[0] == msgs[0]
    assert "retain_graph=True" in msgs[1].split("\nhint:")[1]


NOTE004_DATA = """
a = t.ones(3,4,requires_grad=True)
b = t.ones(3,4,requires_grad=True)
c = a * b
a.data # 还是一个tensor
d = a.data.sigmoid_()
# sigmoid_ 是个inplace操作，会修改a自身的值
print(a)
print(d.requires_grad, a.requires_grad)
"""


def test_note004_data_sigmoid_changes_a():
    (out_t, _), (out_o, _) = both(NOTE004_DATA)
    assert out_o == out_t
    assert "0.7311" in out_o


NOTE004_VARIABLE = """
from torch.autograd import Variable
x = Variable(torch.ones(2, 2), requires_grad = True)
y = x + 2
y.creator
"""

NOTE004_VARIABLE_REST = """
from torch.autograd import Variable
x = Variable(torch.ones(2, 2), requires_grad = True)
y = x + 2
# y 是作为一个操作的结果创建的因此y有一个creator
z = y * y * 3
out = z.mean()
# 现在我们来使用反向传播
out.backward()
# out.backward()和操作out.backward(torch.Tensor([1.0]))是等价的
# 在此处输出 d(out)/dx
print(x.grad)
print(type(x).__name__, out.grad_fn.name())
"""


def test_note004_variable_and_mean_gives_4_5():
    errs = []
    for lib in (torch, teachtorch):
        with pytest.raises(AttributeError) as e:  # .creator is gone in modern PyTorch
            run(NOTE004_VARIABLE.replace("from torch.autograd", f"from {lib.__name__}.autograd"), lib)
        errs.append(str(e.value).split("\nhint:")[0])
    assert errs[1] == errs[0]
    outs = [run(NOTE004_VARIABLE_REST.replace("from torch.autograd", f"from {lib.__name__}.autograd"
                                              ), lib)[0]
            for lib in (torch, teachtorch)]
    assert outs[1] == outs[0]
    assert "4.5000" in outs[1]


def test_backward_with_tensor_1_0_like_note():
    for lib in (torch, teachtorch):
        x = lib.ones(2, 2, requires_grad=True)
        out = ((x + 2) * (x + 2) * 3).mean()
        out.backward(lib.Tensor([1.0]).squeeze())
        assert x.grad.tolist() == [[4.5, 4.5], [4.5, 4.5]]


# ----- note 002: linear regression with a manual w.data update -------------------------
NOTE002_LINREG = """
import torch

# 模拟训练集，这里 y = 2x
x_train = [1, 2, 3]
y_train = [2, 4, 6]

# 创建一个data为1.0的Tensor（张量）
w = torch.Tensor([1.0])
w.requires_grad = True


def forward(x, w):
    # 这里的w和x都是Tensor
    return w * x


def loss(x, y, w):
    y_pred = forward(x, w)
    return (y_pred - y) ** 2


# 训练100次
for epoch in range(100):
    # 这里为了方便理解，不使用向量化
    for x, y in zip(x_train, y_train):
        cost = loss(x, y, w)
        cost.backward()

        # 这里假设学习率为0.01
        # 须注意w.grad其实也是一个张量，更新参数时应该转换成标量来计算
        # 否则张量间的计算会构建计算图，循环多次后，可能会因为计算图过于庞大导致程序崩溃
        w.data = w.data - 0.01 * w.grad.data

        # 手动将原来的导数清零，如果不清零，就会保留原有的值，下次使用时会是 旧值+新值
        # 显然这样的设定是为了方便应用以后的各种优化方法
        w.grad.data.zero_()

    print("epoch: ", epoch, ",\\tcost: ", cost.item())

print(type(w.item()),w.item()) 	# <class 'float'> 1.9999996423721313
print(type(w.data),w.data) 		# <class 'torch.Tensor'> tensor([2.0000])
print(type(w),w) 				# <class 'torch.Tensor'> tensor([2.0000], requires_grad=True)
"""


def test_note002_linear_regression_prints_exactly_like_torch():
    outs = []
    for lib in (torch, teachtorch):
        code = NOTE002_LINREG.replace("import torch\n", "", 1)
        out, _ = run(code, lib)
        # the class lives in teachtorch.tensor (torch.Tensor in PyTorch): same class name
        outs.append(out.replace("teachtorch.tensor.Tensor", "torch.Tensor"))
    assert outs[1] == outs[0]
    assert "<class 'float'> 1.9999996423721313" in outs[1]
    assert "tensor([2.0000], requires_grad=True)" in outs[1]


# ----- note 003: a custom autograd.Function ---------------------------------------------
NOTE003_MYRELU = '''
class MyReLU(torch.autograd.Function):
    """
    我们可以通过建立torch.autograd的子类来实现我们自定义的autograd函数，
    并完成张量的正向和反向传播。
    """

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        x, = ctx.saved_tensors
        grad_x = grad_output.clone()
        grad_x[x < 0] = 0
        return grad_x

x = torch.tensor([[-1.5, 0.5, 2.0], [3.0, -0.25, 0.0]], requires_grad=True)
y = MyReLU.apply(x)
(y * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
print(y)
print(x.grad)
print(type(y.grad_fn).__name__, y.grad_fn.next_functions[0][0].__class__.__name__)
'''


def test_note003_myrelu_runs_unchanged():
    (out_t, _), (out_o, _) = both(NOTE003_MYRELU)
    assert out_o == out_t
    assert "MyReLUBackward" in out_o
