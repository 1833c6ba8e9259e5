# %% [markdown]
# # 第 2 章　view、索引、storage 与 stride，gather/scatter
#
# **本章教什么**：一个张量其实是一块一维内存（storage）加上"怎么看它"的信息：
# 形状（shape）、步长（stride）、起点（storage_offset）。`view`、切片、`transpose`、`expand`
# 只改变"怎么看"，不复制数据；高级索引、`repeat`、`clone` 会复制。
# 然后学习 `gather` 与 `scatter_`。
#
# **对应笔记**：`000_31b0c36760745ae4.txt`（chaper3 一、Tensor 第 2、3、4、8 条：
# view 共享内存、索引共享内存、gather/scatter_、"普通索引可以通过只修改 tensor 的 offset，
# stride 和 size 来实现"）。

# %%
import teachtorch as torch

torch.manual_seed(0)

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
# `stride()` 告诉我们：沿每一维前进一步，要在一维内存里跳过几个元素。
# 连续（contiguous）张量的 stride 是"行优先"的：形状 (2, 3) → stride (3, 1)。

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
# 元素 `x[i, j]` 在内存里的位置是 `offset + i*stride[0] + j*stride[1]`。
# 我们可以亲手验证：

# %%
flat = x.storage().tolist()
i, j = 2, 1
pos = xt.storage_offset() + i * xt.stride(0) + j * xt.stride(1)
print(flat[pos], xt[i, j].item())

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
# `expand` 把大小为 1 的维"假装"重复，stride 为 0，不占新内存；`repeat` 真的复制。

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
# ## 7. 小项目：用 stride 实现"滑动窗口"
#
# 把长度 8 的序列切成长度 3、步长 1 的所有窗口：先 `unfold`……这里用最朴素的办法，
# 用 `stack` 把切片叠起来，再观察每个切片都是原张量的 view。

# %%
seq = torch.arange(8)
windows = torch.stack([seq[i:i + 3] for i in range(len(seq) - 2)])
print(windows)
print(all(seq[i:i + 3].data_ptr() == seq.data_ptr() + i * seq.element_size()
          for i in range(6)))

# %% [markdown]
# ## 8. 练习
#
# 1. 形状 (2, 3, 4) 的连续张量，stride 是多少？`permute(2, 0, 1)` 之后呢？
# 2. `x = torch.arange(10)`，`x[2:8:2]` 的 stride 和 storage_offset 各是多少？
# 3. 用 `gather` 从 `scores = torch.tensor([[0.1, 0.9], [0.8, 0.2]])` 中取出第 0 行第 1 列、第 1 行第 0 列。

# %% answer
t = torch.zeros(2, 3, 4)
print(t.stride(), t.permute(2, 0, 1).stride())
x = torch.arange(10)
print(x[2:8:2].stride(), x[2:8:2].storage_offset())
scores = torch.tensor([[0.1, 0.9], [0.8, 0.2]])
print(scores.gather(1, torch.tensor([[1], [0]])))
