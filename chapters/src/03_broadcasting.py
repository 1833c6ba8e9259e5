# %% [markdown]
# # 第 3 章　广播、归并操作、expand 与 repeat
#
# **本章教什么**：形状不同的两个张量怎样相加（广播法则）；`sum`、`mean`、`max` 这些
# 归并操作里的 `dim` 和 `keepdim`；为什么笔记建议用 `unsqueeze`/`view` + `expand` 手动广播。
#
# **对应笔记**：`000_31b0c36760745ae4.txt`（chaper3 一、Tensor 第 5、7 条；补充 3. torch.max()）。

# %%
import teachtorch as torch

torch.manual_seed(0)

# %% [markdown]
# ## 1. 广播法则
#
# 笔记 000 第 7 条（NumPy 的广播法则）：
#
# 1. 所有输入向 shape 最长的看齐，不足的部分**在前面**补 1；
# 2. 两个数组在某一维要么长度相同，要么其中一个为 1，否则不能计算；
# 3. 长度为 1 的维，计算时沿此维复制扩充成一样的形状。

# %%
a = torch.ones(3, 2)
b = torch.zeros(2, 3, 1)
print((a + b).shape)  # (3,2) -> (1,3,2); (2,3,1) -> 结果 (2,3,2)

# %% [markdown]
# 笔记建议手动实现：`unsqueeze`/`view`（法则 1）+ `expand`（法则 3）。
# `expand` 不复制数据，所以也不占额外内存。

# %%
manual = a.unsqueeze(0).expand(2, 3, 2) + b.expand(2, 3, 2)
print(torch.equal(manual, a + b))

# %% [markdown]
# ## 2. 试一试：形状不兼容
#
# (3, 2) 与 (3,) 从右对齐后，最后一维 2 和 3 既不相等也不是 1：

# %%
try:
    torch.ones(3, 2) + torch.ones(3)
except RuntimeError as err:
    print(err)
print((torch.ones(3, 2) + torch.ones(3).view(3, 1)).shape)

# %% [markdown]
# ## 3. 归并操作与 dim
#
# 笔记 000 第 5 条：dim=0 沿第一个维度（"对每一列"）归并，dim=1 沿第二个维度（"对每一行"）。
# `keepdim=True` 保留被归并的那一维（长度变成 1），方便再广播回去。

# %%
x = torch.arange(6).view(2, 3).float()
print(x.sum(dim=0), x.sum(dim=1))
print(x.mean(dim=1, keepdim=True))
print(x - x.mean(dim=1, keepdim=True))  # 每一行减去自己的均值：广播

# %% [markdown]
# ## 4. torch.max
#
# 笔记 000 补充第 3 条：不给 dim 时返回最大值；给 dim 时返回 (最大值, 下标)。

# %%
a = torch.tensor([[1.1659, -1.5195, 0.0455, 1.7610, -0.2064],
                  [-0.3443, 2.0483, 0.6303, 0.9475, 0.4364],
                  [-1.5268, -1.0833, 1.6847, 0.0145, -0.2088],
                  [-0.8681, 0.1516, -0.7764, 0.8244, -1.2194]])
print(torch.max(a))
re = torch.max(a, 1)
print(re[0])
print(re[1])
values, indices = a.max(dim=0)
print(values, indices)

# %% [markdown]
# ## 5. expand 与 repeat 的内存
#
# 笔记：repeat 实现与 expand 类似的功能，但会把数据复制多份，占用额外空间。

# %%
v = torch.arange(3).view(3, 1)
e, r = v.expand(3, 1000), v.repeat(1, 1000)
print(e.shape, r.shape, e.stride(), r.stride())
print(e.untyped_storage().nbytes(), r.untyped_storage().nbytes())

# %% [markdown]
# ## 6. 小项目：标准化一个数据表
#
# 对每一列减去均值、除以标准差，全部用广播完成，不写循环。

# %%
data = torch.tensor([[1.0, 200.0], [2.0, 220.0], [3.0, 180.0], [4.0, 240.0]])
mu = data.mean(dim=0, keepdim=True)
sigma = data.std(dim=0, keepdim=True)
z = (data - mu) / sigma
print(z)
print(z.mean(dim=0), z.std(dim=0))

# %% [markdown]
# ## 7. 练习
#
# 1. 形状 (5, 1, 4) 与 (3, 1) 相加，结果的形状是什么？
# 2. 用 `argmax` 找出 `a` 中每一行最大值的位置，和 `a.max(dim=1)` 的结果对比。
# 3. 用 `keepdim=True` 把一个 (4, 3) 张量的每一行除以该行的和，使每行之和为 1。

# %% answer
print((torch.ones(5, 1, 4) + torch.ones(3, 1)).shape)
print(a.argmax(dim=1), a.max(dim=1).indices)
m = torch.rand(4, 3)
p = m / m.sum(dim=1, keepdim=True)
print(p.sum(dim=1))
