# %% [markdown]
# # 第 3 章　广播、归并操作、expand 与 repeat
#
# **本章教什么**：形状不同的两个张量怎样相加（广播法则）；`sum`、`mean`、`max` 这些
# 归并操作里的 `dim` 和 `keepdim`；为什么笔记建议用 `unsqueeze`/`view` + `expand` 手动广播；
# 以及反向传播时广播怎样被“撤销”：被广播的输入，其梯度要沿广播出来的维度**求和**。
# 这最后一点把本章和第 4 章的 autograd 连在一起，teachtorch 的反向传播引擎里正好有一个函数做这件事。
#
# **对应笔记**：`000_31b0c36760745ae4.txt`（chaper3 一、Tensor 第 5、7 条；补充 3. torch.max()）。

# %%
import inspect

import teachtorch as torch
from teachtorch.widgets import BroadcastView

_ = torch.manual_seed(0)  # 固定随机种子（它返回的 Generator 不必打印）

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
# ### 小部件：BroadcastView
#
# 输入两个形状，看它们右对齐后每一维按哪条法则得到结果（或 PyTorch 的报错）。

# %%
bview = BroadcastView((3, 2), (2, 3, 1))
bview

# %%
for a_shape, b_shape in (("3, 2", "2, 3, 1"), ("5, 1, 4", "3, 1"), ("3, 2", "3")):
    bview.controls["a"].value, bview.controls["b"].value = a_shape, b_shape
    print(f"({a_shape}) + ({b_shape}) -> {bview.state['shape']}",
          "" if bview.state["error"] is None else bview.state["error"].splitlines()[0])
bview.controls["a"].value, bview.controls["b"].value = "3, 2", "2, 3, 1"
assert bview.state["shape"] == (2, 3, 2)

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
# 笔记 000 第 5 条：dim=0 沿第一个维度（“对每一列”）归并，dim=1 沿第二个维度（“对每一行”）。
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
# ## 6. 广播的反向传播：梯度要“求和回去”
#
# 直觉：`y = x + b` 里，`b` 的形状是 (3,)，被广播成 (2, 3)，也就是 `b[j]` 被**用了两次**
# （每一行一次）。一个量被用了几次，它的梯度就是几条路径的梯度之和（第 5 章的“对路径求和”）：
#
# $$\frac{\partial L}{\partial b_j} = \sum_i \frac{\partial L}{\partial y_{ij}} .$$
#
# 所以被广播的输入，其梯度形状要和输入一样，要沿广播出来的维度求和。

# %%
x = torch.arange(6.0).view(2, 3)
b = torch.tensor([10.0, 20.0, 30.0], requires_grad=True)
y = x + b  # b: (3,) -> (2, 3)
weights = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
(y * weights).sum().backward()  # dL/dy = weights
print(b.grad)
print(weights.sum(dim=0))  # 沿被广播出来的第 0 维求和

# %% [markdown]
# ### 打开源码：`sum_to`
#
# 每个运算的 backward 都可以“偷懒”，按广播后的形状返回梯度；teachtorch 的反向传播引擎
# （`teachtorch/autograd/engine.py`）在一个地方统一把它求和回输入的形状，这就是 `sum_to`：
# 前面多出来的维度全部求和；原来长度为 1、广播后变长的维度求和并保留（`keepdim=True`）。

# %%
from teachtorch.autograd import engine

print(inspect.getsource(engine.sum_to))

# %%
g = torch.ones(4, 2, 3)
print(engine.sum_to(g, (2, 1)).shape, engine.sum_to(g, (2, 1)).view(-1))  # 4*3 = 12
print(engine.sum_to(g, (5,)))  # 无法求和回 (5,)：返回 None，引擎会报错并指出是哪个运算

# %% [markdown]
# `expand` 也是一种广播，它的 backward（`teachtorch/ops/views.py` 的 `Expand`）做的是同一件事：

# %%
from teachtorch.ops import views

print(inspect.getsource(views.Expand.backward))

# %% [markdown]
# ## 7. 小项目：标准化一个数据表
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
# ## 8. 小结
#
# * 广播法则：右对齐，缺的维在前面补 1；每一维要么相等，要么其中一个是 1；长度为 1 的维被“复制”。
# * `expand` 用步幅 0 实现这种复制，不占内存；`repeat` 真的复制。
# * 归并操作的 `dim` 是被“压掉”的那一维；`keepdim=True` 留下长度 1，方便再广播回去。
# * 反向传播时，被广播的输入的梯度要沿广播出来的维度求和：
#   $\partial L/\partial b_j = \sum_i \partial L/\partial y_{ij}$；teachtorch 在引擎的 `sum_to` 里统一做这件事。

# %% [markdown]
# ## 9. 练习
#
# 1. 形状 (5, 1, 4) 与 (3, 1) 相加，结果的形状是什么？
# 2. 用 `argmax` 找出 `a` 中每一行最大值的位置，和 `a.max(dim=1)` 的结果对比。
# 3. 用 `keepdim=True` 把一个 (4, 3) 张量的每一行除以该行的和，使每行之和为 1。
# 4. `w` 的形状是 (3, 1)，`x` 的形状是 (3, 4)，`L = (w * x).sum()`。先手算 `w.grad`，再用 autograd 验证。
# 5. **改坏一行**：把 `sum_to` 里的 `grad.sum(dim=tuple(dims), keepdim=True)` 改成 `grad.mean(...)`，
#    临时换掉引擎里的 `sum_to`，对 `lambda x, b: x + b`（`b` 被广播）运行 `gradcheck`，读一读它的报错表。

# %% answer 练习 1～3
print((torch.ones(5, 1, 4) + torch.ones(3, 1)).shape)
print(a.argmax(dim=1), a.max(dim=1).indices)
m = torch.rand(4, 3)
p = m / m.sum(dim=1, keepdim=True)
print(p.sum(dim=1))

# %% answer 练习 4
w = torch.tensor([[1.0], [2.0], [3.0]], requires_grad=True)
x = torch.arange(12.0).view(3, 4)
(w * x).sum().backward()
print(w.grad.view(-1), x.sum(dim=1, keepdim=True).view(-1))  # 每一行 x 的和

# %% answer 练习 5
source = inspect.getsource(engine.sum_to)
broken = source.replace("grad.sum(dim=tuple(dims), keepdim=True)",
                        "grad.mean(dim=tuple(dims), keepdim=True)")
assert broken != source
namespace = dict(vars(engine))
exec(broken, namespace)
original = engine.sum_to
engine.sum_to = namespace["sum_to"]  # 临时换掉
try:
    xs = torch.randn(2, 3, dtype=torch.float64, requires_grad=True)
    bs = torch.randn(3, dtype=torch.float64, requires_grad=True)
    torch.autograd.gradcheck(lambda x, b: x + b, (xs, bs))
except RuntimeError as err:
    print(str(err)[:400])
finally:
    engine.sum_to = original  # 一定要换回来
print(torch.autograd.gradcheck(lambda x, b: x + b, (xs, bs)))
