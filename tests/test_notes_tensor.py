"""The notes' own tensor snippets, unchanged but for the import, run on torch and on
teachtorch; what they print (and the tensors they leave behind) must agree.

Snippets that draw random numbers are compared by the relations they show (shapes,
dtypes, memory sharing), since teachtorch's random stream is not torch's.
"""
import contextlib
import io

import numpy as np
import pytest
import torch

import teachtorch


def run(code, lib):
    """exec a note's snippet with `torch` and `t` bound to lib; return (stdout, names)."""
    names = {"torch": lib, "t": lib, "np": np}
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        exec(code, names)  # noqa: S102 - running the notes' code is the point
    return buf.getvalue(), names


def both(code):
    return run(code, torch), run(code, teachtorch)


# ----- note 004: tensors, the numpy bridge -------------------------------------------
NOTE004_INIT = """
x = torch.Tensor(5, 3)  # 构造一个未初始化的5*3的矩阵
x = torch.rand(5, 3)  # 构造一个随机初始化的矩阵
y = torch.rand(5, 3)
"""

NOTE004_ADD = NOTE004_INIT + """
x + y # 语法一
torch.add(x, y) # 语法二
result = torch.Tensor(5, 3) # 语法一
torch.add(x, y, out=result) # 语法二
y.add_(x) # 将y与x相加
x[:,1] #这一操作会输出x矩阵的第二列的所有值
"""


def test_note004_init_and_add():
    (_, nt), (_, no) = both(NOTE004_ADD)
    for name in ("x", "y", "result"):
        assert tuple(no[name].shape) == tuple(nt[name].shape) == (5, 3)
        assert str(no[name].dtype) == str(nt[name].dtype)
    x, y, result = no["x"], no["y"], no["result"]
    np.testing.assert_allclose(y.numpy(), result.numpy(), rtol=1e-6)  # y_old + x
    col = x[:, 1]
    assert col.shape == (5,) and col.stride() == (3,) and col.storage_offset() == 1


NOTE004_BRIDGE = """
a = torch.ones(5)
b = a.numpy()
a.add_(1)
print(a)
print(b)
import numpy as np
a = np.ones(5)
b = torch.from_numpy(a)
np.add(a, 1, out=a)
print(a)
print(b)
"""


def test_note004_numpy_bridge_prints_the_same():
    (out_t, _), (out_o, _) = both(NOTE004_BRIDGE)
    assert out_o == out_t
    assert "tensor([2., 2., 2., 2., 2.], dtype=torch.float64)" in out_o


NOTE004_CUDA = """
x = torch.rand(5, 3)
y = torch.rand(5, 3)
if torch.cuda.is_available():
    x = x.cuda()
    y = y.cuda()
    x + y
"""


def test_note004_cuda_guard_runs():
    (_, nt), (_, no) = both(NOTE004_CUDA)
    assert str(no["x"].device) == str(nt["x"].device) == "cpu"


# ----- note 000: tensor basics --------------------------------------------------------
NOTE000_CONSTRUCT = """
a = t.tensor([[1, 2], [3, 4]])
b = t.Tensor(20)
c = t.Tensor(20, 10)
label = t.Tensor([1, 0, 1]).long()
print(a.dtype, b.shape, c.shape, label, label.dtype)
"""


def test_note000_constructors():
    (out_t, _), (out_o, _) = both(NOTE000_CONSTRUCT)
    assert out_o == out_t


NOTE000_VIEW = """
a = t.arange(0, 6)
b = a.view(2, 3)
b[0, 1] = 100          # view 共享内存: a 也变了
print(a)
c = b.unsqueeze(1)
print(c.shape)
d = c.squeeze()
print(d.shape, d.data_ptr() == a.data_ptr())
e = b[None]
print(e.shape)
"""


def test_note000_view_shares_memory():
    (out_t, _), (out_o, _) = both(NOTE000_VIEW)
    assert out_o == out_t
    assert "100" in out_o


NOTE000_INDEX = """
a = t.arange(0, 12).view(3, 4)
b = a[0]               # 普通索引: 共享 storage
b[0] = -1
c = a[[0, 2]]          # 高级索引: 不共享
c[0, 1] = -2
print(a)
print(a.storage_offset(), a[1].storage_offset(), a[:, 1].stride())
print(a.untyped_storage().data_ptr() == a[1:].untyped_storage().data_ptr())
print(a.untyped_storage().data_ptr() == a[[1]].untyped_storage().data_ptr())
"""


def test_note000_basic_vs_advanced_indexing():
    (out_t, _), (out_o, _) = both(NOTE000_INDEX)
    assert out_o == out_t


NOTE000_GATHER_SCATTER = """
a = t.arange(0, 16).view(4, 4)
index = t.LongTensor([[0, 1, 2, 3]])
b = a.gather(0, index)          # 取对角线元素
print(b)
index = t.LongTensor([[3, 2, 1, 0]]).t()
c = a.gather(1, index)          # 取反对角线上的元素
print(c)
d = t.zeros(4, 4).long()
d.scatter_(1, index, c)         # 把取出的数据再放回去
print(d)
"""


def test_note000_gather_and_scatter_back():
    (out_t, _), (out_o, _) = both(NOTE000_GATHER_SCATTER)
    assert out_o == out_t


NOTE000_BROADCAST = """
a = t.ones(3, 2)
b = t.zeros(2, 3, 1)
# 自动广播法则
print(a + b)
# 手动广播法则
print(a.unsqueeze(0).expand(2, 3, 2) + b.expand(2, 3, 2))
print(a[None].expand(2, 3, 2).stride(), a.repeat(2, 1, 1).stride())
"""


def test_note000_broadcast_expand_repeat():
    (out_t, _), (out_o, _) = both(NOTE000_BROADCAST)
    assert out_o == out_t


NOTE000_ITEM = """
a = t.tensor(200)
print(a.item())
b = t.tensor([200])
print(b[0], b[0].item())
c = t.tensor([20, 30])
print(c.size(0) == c.size()[0] == 2)
"""


def test_note000_item_and_size():
    (out_t, _), (out_o, _) = both(NOTE000_ITEM)
    assert out_o == out_t


NOTE000_ARANGE = """
x = t.arange(1, 30, 0.01)
print(x.shape, x.dtype)
x = t.arange(0, 9, 0.1)
y = (x ** 2) / 9
print(x.shape, y[-1])
for ii in range(0, 3):
    x = t.Tensor([ii])
    y = x
    print(x, y)
"""


def test_note000_arange_lengths():
    (out_t, _), (out_o, _) = both(NOTE000_ARANGE)
    assert out_o == out_t


NOTE000_MAX = """
a=t.tensor([[ 1.1659, -1.5195,  0.0455,  1.7610, -0.2064],
        [-0.3443,  2.0483,  0.6303,  0.9475,  0.4364],
        [-1.5268, -1.0833,  1.6847,  0.0145, -0.2088],
        [-0.8681,  0.1516, -0.7764,  0.8244, -1.2194]])
print(torch.max(a))
"""


def test_note000_max_prints_like_torch():
    if not hasattr(teachtorch, "max"):
        pytest.skip("torch.max belongs to the reductions area and is not merged yet")
    (out_t, _), (out_o, _) = both(NOTE000_MAX)
    assert out_o == out_t == "tensor(2.0483)\n"


def test_note000_numpy_conversion_sharing_rules():
    """t.Tensor(a) and t.tensor(a) never share; from_numpy keeps the dtype and shares."""
    code = """
a = np.ones(3)
c1 = t.Tensor(a)
c2 = t.tensor(a)
c3 = t.from_numpy(a)
a[0] = 5
print(c1, c2, c3)
b = c3.numpy()
print(b is a or b.base is a or np.shares_memory(a, b))
"""
    (out_t, _), (out_o, _) = both(code)
    assert out_o == out_t
