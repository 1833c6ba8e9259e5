# %% [markdown]
# # 第 1 章　张量与 NumPy 桥
#
# **本章教什么**：张量（tensor）是什么；怎样创建张量；`x + y`、`torch.add(x, y, out=...)`、
# `y.add_(x)` 三种加法的区别；张量和 NumPy 数组如何共享内存。
#
# **对应笔记**：`004_da74339464c3dc3a.txt`（"Tensors"、“Numpy桥”）、
# `000_31b0c36760745ae4.txt`（chaper3 一、Tensor）、`001_006c858c5f14514d.txt`（2.4 tensor 数据类型）、
# `003_72661a104065fcb5.txt`（张量的理解）。
#
# 张量可以看成多维数组：标量是 0 维张量，向量是 1 维，矩阵是 2 维，三维以上就是一般的张量。
# 一个张量里所有元素的类型（dtype）相同。用公式说，一个形状为 $(d_0, d_1, \dots, d_{n-1})$ 的张量
# 有 $d_0 d_1 \cdots d_{n-1}$ 个元素（`numel()`），`dim()` 是 $n$。
# 和 NumPy 数组相比，张量多了两样东西：可以放在 GPU 上计算，可以自动求导（第 4 章）。

# %%
import numpy as np

import teachtorch as torch

_ = torch.manual_seed(0)  # 固定随机种子（它返回的 Generator 不必打印）

# %% [markdown]
# ## 1. 创建张量
#
# 笔记 004 的第一段代码。`torch.Tensor(5, 3)` 是旧式构造函数，只给出形状，
# 在 PyTorch 里内容是“未初始化”的垃圾值；teachtorch 用 0 填充，以便每次运行结果相同。

# %%
x = torch.Tensor(5, 3)  # 构造一个未初始化的5*3的矩阵
print(x)
x = torch.rand(5, 3)  # 构造一个随机初始化的矩阵
y = torch.rand(5, 3)
print(x.shape, x.dtype)

# %% [markdown]
# 笔记 000 强调了 `t.tensor()` 与 `t.Tensor()` 的区别：
#
# * `torch.tensor(data)` 是函数，必须给出具体数据，并**推断** dtype（整数 → int64，小数 → float32）；
# * `torch.Tensor(...)` 是类，给数字就是形状，给列表就是数据，结果总是 float32。

# %%
a = torch.tensor([[1, 2], [3, 4]])
b = torch.Tensor([[1, 2], [3, 4]])
c = torch.Tensor(2, 3)
print(a, a.dtype)
print(b, b.dtype)
print(c.shape)
print(torch.tensor(3.5), torch.tensor(True), torch.tensor([1.0, 2.0], dtype=torch.float64))

# %% [markdown]
# 笔记 001 中的几种创建方式（`device='mps'` 是苹果芯片的设备，这里换成 CPU）：

# %%
print(torch.tensor([[1, 2, 3], [4, 5, 6]]))
print(torch.zeros([2, 4], dtype=torch.int32))
print(torch.ones([2, 4], dtype=torch.float64))
z = torch.arange(12)
print(torch.reshape(z, (3, 4)))
print(torch.flatten(torch.ones(2, 3, 4), start_dim=1).shape)

# %% [markdown]
# ## 2. 三种加法
#
# 笔记 004：`x + y` 与 `torch.add(x, y)` 返回新张量；`torch.add(x, y, out=result)`
# 把结果写进已有的 `result`；`y.add_(x)` 直接修改 `y`。
# **名字以下划线 `_` 结尾的方法都会修改张量本身。**

# %%
x = torch.ones(2, 3)
y = torch.full((2, 3), 2.0)
print(x + y)  # 语法一
print(torch.add(x, y))  # 语法二
result = torch.Tensor(2, 3)
torch.add(x, y, out=result)  # 写进 result
print(result)
y.add_(x)  # 将y与x相加，y 被修改
print(y)

# %% [markdown]
# ## 3. 切片
#
# `x[:, 1]` 取出第二列。切片得到的结果与原张量**共享内存**（第 2 章会仔细看为什么）。

# %%
x = torch.arange(15).view(5, 3)
print(x[:, 1])
col = x[:, 1]
col[0] = 100
print(x[0])

# %% [markdown]
# ## 4. NumPy 桥：共享内存
#
# `a.numpy()` 返回的数组和张量共享同一块内存，改一个，另一个也变；
# `torch.from_numpy(a)` 也一样。

# %%
a = torch.ones(5)
b = a.numpy()
a.add_(1)
print(a)
print(b)

# %%
a = np.ones(5)
b = torch.from_numpy(a)
np.add(a, 1, out=a)
print(a)
print(b)

# %% [markdown]
# 三种把 NumPy 数组变成张量的写法，是否共享内存各不相同（以 PyTorch 2.x 为准）：
#
# | 写法 | dtype | 与 `a` 共享内存？ |
# |---|---|---|
# | `torch.from_numpy(a)` | 保留 `a` 的 dtype | 总是共享 |
# | `torch.tensor(a)` | 保留 `a` 的 dtype | 总是复制 |
# | `torch.Tensor(a)` | 总是 float32 | `a` 本来就是 float32 时**共享**；否则先转换成 float32，只能复制 |
#
# 笔记 000 第 6 条说 `torch.Tensor(a)` “一律复制”，对 float64 数组成立，对 float32 数组不成立。
# 判断两块内存是否相同，用 `np.shares_memory`，或者比较首元素的地址 `data_ptr()`：

# %%
a32 = np.zeros(3, dtype=np.float32)
a64 = np.zeros(3)
for name, a, t in [("torch.from_numpy(a32)", a32, torch.from_numpy(a32)),
                   ("torch.tensor(a32)", a32, torch.tensor(a32)),
                   ("torch.Tensor(a32)", a32, torch.Tensor(a32)),
                   ("torch.Tensor(a64)", a64, torch.Tensor(a64))]:
    print(f"{name:22s} {str(t.dtype):14s} shares_memory={np.shares_memory(t.numpy(), a)}"
          f"  same data_ptr={t.data_ptr() == a.ctypes.data}")

# %% [markdown]
# 共享内存意味着改一边，另一边跟着变：

# %%
a = np.zeros(3, dtype=np.float32)
shared, copied = torch.from_numpy(a), torch.tensor(a)
a[0] = 7
print(shared, copied)

# %% [markdown]
# ### 打开源码：`from_numpy` 与 `numpy()`
#
# 共享内存在 teachtorch 里是怎么做到的？打开 `teachtorch/creation.py` 里的 `from_numpy`：
# 它检查 dtype 之后，用 `_make(ndarray)` 把**同一个**数组包成张量，没有任何复制。

# %%
import inspect

from teachtorch.widgets import SourceView

SourceView(torch.from_numpy)  # 高亮的源码、文件与行号，以及打开它的章节

# %% [markdown]
# 反方向，`Tensor.numpy()`（`teachtorch/tensor.py`）直接返回张量里保存的数组 `self._data`；
# 需要梯度的张量会先报错（见第 6 节）：

# %%
print(inspect.getsource(torch.Tensor.numpy))

# %% [markdown]
# ## 5. 只有一个元素时才能用 `item()`
#
# 笔记 000 的补充第 5 条。

# %%
a = torch.tensor(200)
print(a.item())
b = torch.tensor([200])
print(b[0], b[0].item())
c = torch.tensor([20, 30])
print(c.size(0), c.size()[0])

# %% [markdown]
# ## 6. 试一试：经典错误
#
# 对一个需要梯度的张量调用 `.numpy()` 会报错，因为 NumPy 数组和张量共享内存，
# autograd 无法追踪 NumPy 里的修改。按提示先 `.detach()`。

# %%
w = torch.ones(3, requires_grad=True)
try:
    w.numpy()
except RuntimeError as err:
    print(err)
print(w.detach().numpy())

# %% [markdown]
# 老代码里常见 `loss.data[0]`，但现在的 loss 是 0 维张量：

# %%
loss = torch.tensor(0.25)
try:
    loss.data[0]
except IndexError as err:
    print(err)
print(loss.item())

# %% [markdown]
# ## 7. GPU（如果有的话）
#
# 笔记 004 的最后一段。没有 GPU 时 `torch.cuda.is_available()` 为 False，这段代码什么也不做。

# %%
x, y = torch.rand(5, 3), torch.rand(5, 3)
if torch.cuda.is_available():
    x = x.cuda()
    y = y.cuda()
    x + y
print(torch.cuda.is_available())

# %% [markdown]
# ## 8. 小项目：用张量实现“温度换算表”
#
# 用 `torch.arange` 生成 -10 到 40 摄氏度（步长 10），换算成华氏度 `F = C * 9 / 5 + 32`，
# 再用 `torch.stack` 拼成两列的表。

# %%
celsius = torch.arange(-10, 41, 10).float()
fahrenheit = celsius * 9 / 5 + 32
table = torch.stack([celsius, fahrenheit], dim=1)
print(table)

# %% [markdown]
# ## 9. 小结
#
# * 张量 = 同一 dtype 的多维数组；`torch.tensor(data)` 推断 dtype，`torch.Tensor(...)` 总是 float32。
# * `x + y`、`torch.add(x, y)` 返回新张量，`torch.add(x, y, out=r)` 写进 `r`，`y.add_(x)` 原地修改；
#   名字以 `_` 结尾的方法都是原地操作。
# * `from_numpy` 与 `numpy()` 共享内存；`torch.tensor(a)` 总是复制；`torch.Tensor(a)` 只在 `a`
#   已经是 float32 时共享。用 `np.shares_memory` 或 `data_ptr()` 检查。
# * 只有一个元素的张量才能 `item()`；需要梯度的张量要先 `detach()` 再 `numpy()`。

# %% [markdown]
# ## 10. 练习
#
# 1. `torch.tensor([1, 2, 3]) / 2` 的 dtype 是什么？`torch.tensor([1, 2, 3]) // 2` 呢？
# 2. 写出三种方法，把 NumPy 数组 `a = np.arange(4.0)`（float64）变成张量，并说明哪一种与 `a` 共享内存。
#    如果 `a` 是 float32 呢？
# 3. 不用循环，构造一个 5×5 的张量，对角线为 1、其余为 0。
# 4. **改坏一行**：把 `from_numpy` 源码最后一行的 `_make(ndarray)` 改成 `_make(ndarray.copy())`，
#    用 `exec` 得到一个“坏掉的” `from_numpy`，再用 `np.shares_memory` 检查它还和 PyTorch 的行为一致吗？

# %% answer 练习 1～3
print((torch.tensor([1, 2, 3]) / 2).dtype, (torch.tensor([1, 2, 3]) // 2).dtype)
a = np.arange(4.0)
shared = torch.from_numpy(a)
copied1, copied2 = torch.tensor(a), torch.Tensor(a)
a[0] = -1
print(shared, copied1, copied2)  # 只有 from_numpy 看到了修改
a32 = np.arange(4.0, dtype=np.float32)
print(np.shares_memory(torch.Tensor(a32).numpy(), a32))  # float32：torch.Tensor 也共享
print(torch.eye(5))

# %% answer 练习 4
from teachtorch import creation

source = inspect.getsource(creation.from_numpy)
broken = source.replace("return _make(ndarray)", "return _make(ndarray.copy())")
assert broken != source
namespace = dict(vars(creation))  # 在 creation 模块的名字空间里执行改过的源码
exec(broken, namespace)
broken_from_numpy = namespace["from_numpy"]

a = np.zeros(3, dtype=np.float32)
print("原来的:", np.shares_memory(torch.from_numpy(a).numpy(), a))
print("改坏的:", np.shares_memory(broken_from_numpy(a).numpy(), a))  # 和 PyTorch 不一致了
