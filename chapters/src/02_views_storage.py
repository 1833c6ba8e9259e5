# %% [markdown]
# # 第 2 章　view、索引、storage 与 stride，gather/scatter
#
# **本章教什么**：一个张量其实是一块一维内存（storage）加上“怎么看它”的信息：
# 形状（shape）、步幅（stride）、起点（storage_offset）。`view`、切片、`transpose`、`expand`
# 只改变“怎么看”，不复制数据；高级索引、`repeat`、`clone` 会复制。
# 然后学习 `gather` 与 `scatter_`。
#
# **对应笔记**：`000_31b0c36760745ae4.txt`（chaper3 一、Tensor 第 2、3、4、8 条：
# view 共享内存、索引共享内存、gather/scatter_、"普通索引可以通过只修改 tensor 的 offset，
# stride 和 size 来实现"）。

# %%
import inspect

import numpy as np

import teachtorch as torch
from teachtorch.widgets import SourceView, StorageView

_ = torch.manual_seed(0)  # 固定随机种子（它返回的 Generator 不必打印）

# %% [markdown]
# ## 1. view 共享内存
#
# 笔记 000 第 2 条：`view` 不修改数据，返回的新张量与源张量共享内存，改一个另一个跟着变。

# %%
a = torch.arange(0, 6)
b = a.view(2, 3)
b[0, 0] = 100
print(a)
print(b)
print(a.data_ptr() == b.data_ptr())

# %% [markdown]
# `unsqueeze` 和 `squeeze` 增减大小为 1 的维度，同样是 view：

# %%
c = b.unsqueeze(1)
print(c.shape)
print(c.squeeze().shape)
print(b.view(-1, 2).shape)  # -1 表示"自动推算这一维"

# %% [markdown]
# ## 2. storage、stride、offset
#
# 直觉：内存是一条长长的一维纸带，张量只是“怎么在纸带上取数”的说明书。
# 说明书有三项：形状 `shape`、步幅 `stride()`（沿每一维前进一步，要在纸带上跳过几个元素）、
# 起点 `storage_offset()`。于是元素 $x[i_0, i_1, \dots]$ 在纸带上的位置是
#
# $$\text{pos} = \text{offset} + \sum_k i_k \cdot \text{stride}_k .$$
#
# 连续（contiguous）张量的步幅是“行优先”的：形状 (3, 4) → 步幅 (4, 1)。
# 转置只是交换两个步幅，切片只是改起点和步幅，都不动纸带上的数据。

# %%
x = torch.arange(12).view(3, 4)
print(x.shape, x.stride(), x.storage_offset(), x.is_contiguous())
xt = x.t()
print(xt.shape, xt.stride(), xt.is_contiguous())
row = x[1]
print(row, row.stride(), row.storage_offset())
col = x[:, 2]
print(col, col.stride(), col.storage_offset())
print(x.untyped_storage().data_ptr() == col.untyped_storage().data_ptr())

# %% [markdown]
# 用上面的公式亲手验证。`x.as_strided((12,), (1,), 0)` 以步幅 1、起点 0 把整条纸带读成一维张量
# （笔记和老代码里的 `x.storage()` 在 PyTorch 2.x 里已经弃用，今天用 `x.untyped_storage()`，
# 它按**字节**计数，所以 12 个 int64 是 96 字节）：

# %%
print(x.untyped_storage().nbytes(), x.element_size())
flat = x.as_strided((x.numel(),), (1,), 0).tolist()
i, j = 2, 1
pos = xt.storage_offset() + i * xt.stride(0) + j * xt.stride(1)
print(flat[pos], xt[i, j].item())

# %% [markdown]
# ### 小部件：StorageView
#
# 在下面的框里输入一个关于 `x` 的表达式（或从下拉列表里选），看它的形状、步幅、起点，
# 它是否与 `x` 共享 storage，以及每个元素读的是纸带上的哪一格。

# %%
explorer = StorageView(x, expr="x.t()")
explorer

# %% [markdown]
# 像学习者操作一样换几个表达式，并检查小部件显示的内容：

# %%
for expr in ("x.t()", "x[1:, ::2]", "x[:, 1:2].expand(3, 5)", "x[[0, 2]]"):
    explorer.controls["expr"].value = expr
    st = explorer.state
    print(f"{expr:24s} stride={st['view']['stride']!s:8s} offset={st['view']['offset']} "
          f"shares={st['shares']}")
assert explorer.state["error"] is None

# %% [markdown]
# ### 打开源码：`view` 与 `UntypedStorage`
#
# `Tensor.view` 只有一行，把工作交给 `teachtorch/ops/views.py` 的 `view` 函数：
# 先算出新形状，检查步幅是否允许“不复制地”换形状，不允许就报错，允许就调用 `View.apply`。

# %%
from teachtorch.ops import views

print(inspect.getsource(views.view))

# %% [markdown]
# `View` 类用 `SourceView` 打开（下拉框可以在 `forward` 和 `backward` 之间切换）：

# %%
view_source = SourceView(views.View)
view_source

# %%
print(view_source.state["file"], view_source.state["members"])

# %% [markdown]
# `View.forward` 里的 `_nocopy_reshape` 返回一个 NumPy **视图**（同一块内存），
# 反向传播时把梯度 `reshape` 回原来的形状。纸带本身在 `teachtorch/storage.py`：
# `UntypedStorage` 只记住拥有内存的那个数组 `_root`，`data_ptr()` 就是它首字节的地址。

# %%
print(inspect.getsource(torch.UntypedStorage.__init__))
print(inspect.getsource(torch.UntypedStorage.data_ptr))

# %% [markdown]
# ## 3. 试一试：对不连续的张量调用 view
#
# 转置后的张量不连续，`view` 无法只靠改 stride 得到新形状，于是报错。
# 提示告诉我们：先 `.contiguous()`（复制成连续的），或直接用 `.reshape()`。

# %%
try:
    xt.view(12)
except RuntimeError as err:
    print(err)
print(xt.contiguous().view(12))
print(xt.reshape(12))

# %% [markdown]
# ## 4. 普通索引共享内存，高级索引复制
#
# 笔记 000 第 3、8 条。

# %%
a = torch.arange(6).view(2, 3)
basic = a[0]  # 普通索引：view
basic[0] = -1
advanced = a[[0, 1], [0, 0]]  # 高级索引：复制
advanced[0] = 999
print(a)
print(advanced)
mask = a > 2
print(a[mask])  # 布尔掩码也是高级索引

# %% [markdown]
# ## 5. expand 与 repeat
#
# `expand` 把大小为 1 的维“假装”重复，stride 为 0，不占新内存；`repeat` 真的复制。

# %%
v = torch.tensor([[1], [2], [3]])
e = v.expand(3, 4)
r = v.repeat(1, 4)
print(e.stride(), r.stride())
print(e.data_ptr() == v.data_ptr(), r.data_ptr() == v.data_ptr())

# %% [markdown]
# 写入 expand 出来的张量会报错：多个位置指向同一块内存。

# %%
try:
    e.add_(1)
except RuntimeError as err:
    print(err)

# %% [markdown]
# ## 6. gather 与 scatter_
#
# 笔记 000 第 4 条：`gather` 按 index 从 input 中取数据，`scatter_` 把数据放回去。
# `out[i][j] = input[i][index[i][j]]`（dim=1 时）。

# %%
a = torch.arange(0, 16).view(4, 4)
index = torch.LongTensor([[0, 1, 2, 3]])
print(a.gather(0, index))  # 取对角线
index = torch.LongTensor([[3, 2, 1, 0]]).t()
b = a.gather(1, index)  # 取反对角线
print(b)
c = torch.zeros(4, 4, dtype=torch.int64)
c.scatter_(1, index, b)  # 把反对角线放回去
print(c)

# %% [markdown]
# ## 7. 小项目：用步幅实现“滑动窗口”
#
# 把长度 8 的序列切成长度 3、每次移动 1 的所有窗口。朴素的办法是把切片 `stack` 起来，
# 但 `stack` 会把数据**复制**进一块新内存。只改步幅就够了：窗口内相邻元素在纸带上差 1，
# 相邻窗口的起点也差 1，所以形状 (6, 3)、步幅 (1, 1) 的视图正好就是全部窗口。
# `Tensor.unfold(dim, size, step)` 做的就是这件事（第 10 章的卷积也会用到同样的想法）。

# %%
seq = torch.arange(8)
copied = torch.stack([seq[i:i + 3] for i in range(len(seq) - 2)])
windows = seq.unfold(0, 3, 1)
print(windows)
print(torch.equal(copied, windows), windows.stride())
print("stack 共享内存:", np.shares_memory(copied.numpy(), seq.numpy()),
      " unfold 共享内存:", np.shares_memory(windows.numpy(), seq.numpy()))
print(torch.equal(windows, seq.as_strided((6, 3), (1, 1), 0)))

# %% [markdown]
# ## 8. 小结
#
# * 张量 = 一维 storage + 形状 + 步幅 + 起点；元素位置 $\text{offset} + \sum_k i_k\,\text{stride}_k$。
# * `view`、基本索引（切片）、`transpose`/`t()`、`expand`、`unfold` 只改“怎么看”，与原张量共享内存；
#   高级索引、布尔掩码、`repeat`、`clone`、`stack` 会复制。
# * 不连续的张量不能 `view`：先 `contiguous()`，或直接 `reshape()`（需要时才复制）。
# * `gather(dim, index)` 按下标取数，`scatter_` 按下标放回去。
# * 今天用 `untyped_storage()`（按字节）代替已弃用的 `storage()`。

# %% [markdown]
# ## 9. 练习
#
# 1. 形状 (2, 3, 4) 的连续张量，步幅是多少？`permute(2, 0, 1)` 之后呢？
# 2. `x = torch.arange(10)`，`x[2:8:2]` 的步幅和 storage_offset 各是多少？
# 3. 用 `gather` 从 `scores = torch.tensor([[0.1, 0.9], [0.8, 0.2]])` 中取出第 0 行第 1 列、第 1 行第 0 列。
# 4. **改坏一行**：把 `View.forward` 的 `return _nocopy_reshape(x, shape)` 改成
#    `return x.copy().reshape(shape)`（先复制再换形状），用 `exec` 得到坏掉的 `View`，
#    重做第 1 节的实验：`b[0, 0] = 100` 之后 `a` 还会变吗？`data_ptr()` 还相等吗？

# %% answer 练习 1～3
t = torch.zeros(2, 3, 4)
print(t.stride(), t.permute(2, 0, 1).stride())
x = torch.arange(10)
print(x[2:8:2].stride(), x[2:8:2].storage_offset())
scores = torch.tensor([[0.1, 0.9], [0.8, 0.2]])
print(scores.gather(1, torch.tensor([[1], [0]])))

# %% answer 练习 4
source = inspect.getsource(views.View)
broken = source.replace("return _nocopy_reshape(x, shape)", "return x.copy().reshape(shape)")
assert broken != source
namespace = dict(vars(views))
exec(broken, namespace)
BrokenView = namespace["View"]

for name, make_view in (("view", lambda t: t.view(2, 3)),
                        ("改坏的 View", lambda t: BrokenView.apply(t, (2, 3)))):
    a = torch.arange(6)
    b = make_view(a)
    b[0, 0] = 100
    print(f"{name:10s} a[0] = {a[0].item():3d}  same data_ptr = {a.data_ptr() == b.data_ptr()}")
