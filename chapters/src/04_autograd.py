# %% [markdown]
# # 第 4 章　autograd：自动求导
#
# **本章教什么**：`requires_grad` 如何在计算中传播；叶子节点与 `grad_fn`；`backward` 的三个参数
# （gradient、retain_graph、create_graph）；`grad_fn.next_functions`；梯度累加与清零；
# hook 与 `retain_grad`；`.data` 与 `.detach()`；`Variable` 在今天是什么。
#
# **对应笔记**：`004_da74339464c3dc3a.txt`（autograd：自动求导）、`000_31b0c36760745ae4.txt`
# （chaper2 二、chaper3 二、chaper 6 补充 1）、`003_72661a104065fcb5.txt`（2. Autograd 自动求导）。

# %%
import teachtorch as t
import teachtorch as torch

torch.manual_seed(0)

# %% [markdown]
# ## 1. 手动求导与自动求导
#
# 笔记 004 的例子：$y = x^2 e^x$，导数 $y' = 2x e^x + x^2 e^x$。

# %%
def f(x):
    '''计算y'''
    y = x**2 * t.exp(x)
    return y


def gradf(x):
    '''手动求导函数'''
    dx = 2*x*t.exp(x) + x**2*t.exp(x)
    return dx


x = t.randn(3, 4, requires_grad=True)
y = f(x)
y.backward(t.ones(y.size()))  # gradient形状与y一致
print(x.grad)
print(gradf(x))
print(torch.allclose(x.grad, gradf(x)))

# %% [markdown]
# ## 2. requires_grad 的传播与计算图
#
# 笔记 004：某个节点 requires_grad 为 True，所有依赖它的节点也为 True。

# %%
x = t.ones(1)
b = t.rand(1, requires_grad=True)
w = t.rand(1, requires_grad=True)
y = w * x  # 等价于y=w.mul(x)
z = y + b  # 等价于z=y.add(b)
print(x.requires_grad, b.requires_grad, w.requires_grad, y.requires_grad)
print(x.is_leaf, w.is_leaf, y.is_leaf)
print(z.grad_fn)
print(z.grad_fn.next_functions)
print(y.grad_fn.next_functions)

# %% [markdown]
# `z.grad_fn` 是 `AddBackward0`，它的 `next_functions` 指向 `y` 的 `MulBackward0`
# 和 `b` 的 `AccumulateGrad`（叶子节点的梯度在这里累加）。`x` 不需要梯度，所以是 `None`。

# %% [markdown]
# ## 3. retain_graph
#
# 计算 `w` 的梯度需要 `x` 的值，这些值在前向传播时作为 buffer 保存，反向传播之后自动清空。
# 要再反向传播一次，第一次必须 `retain_graph=True`。梯度是**累加**的。

# %%
z.backward(retain_graph=True)
print(w.grad)
z.backward()
print(w.grad)  # 累加：两次之和

# %% [markdown]
# ## 4. 试一试：第二次 backward
#
# 没有 `retain_graph=True` 时，第三次反向传播就会失败：

# %%
try:
    z.backward()
except RuntimeError as err:
    print(err)

# %% [markdown]
# ## 5. 梯度要清零
#
# 笔记 000：反向传播前需要把梯度清零，`x.grad.data.zero_()`。

# %%
x = torch.ones(2, requires_grad=True)
for step in range(3):
    (x * 3).sum().backward()
    print(step, x.grad)
x.grad.data.zero_()
print(x.grad)

# %% [markdown]
# ## 6. 非标量输出与 gradient 参数
#
# 笔记 004 的 Variable 例子：`out = z.mean()` 是标量，直接 `out.backward()`；
# 结果是全为 4.5 的矩阵。今天 `Variable(t, requires_grad=True)` 返回的就是一个张量。

# %%
from teachtorch.autograd import Variable

x = Variable(torch.ones(2, 2), requires_grad=True)
y = x + 2
z = y * y * 3
out = z.mean()
out.backward()
print(x.grad)
print(type(x).__name__)

# %% [markdown]
# 对非标量调用 `backward()` 而不给 gradient：

# %%
y = torch.ones(3, requires_grad=True) * 2
try:
    y.backward()
except RuntimeError as err:
    print(err)

# %% [markdown]
# ## 7. create_graph：二阶导数
#
# `create_graph=True` 让反向传播本身也被记录，于是可以对梯度再求导。

# %%
x = torch.tensor(2.0, requires_grad=True)
y = x ** 3
(g,) = torch.autograd.grad(y, x, create_graph=True)
(g2,) = torch.autograd.grad(g, x)
print(g, g2)  # 3x^2 = 12, 6x = 12

# %% [markdown]
# ## 8. hook 与 retain_grad
#
# 非叶子节点的 `.grad` 默认不保留。`retain_grad()` 保留它；`register_hook` 可以在梯度流过时
# 查看甚至修改它。

# %%
x = torch.tensor([1.0, 2.0], requires_grad=True)
h = x * 3
h.retain_grad()
seen = []
handle = h.register_hook(lambda grad: seen.append(grad.clone()))
(h ** 2).sum().backward()
print(h.grad, seen, x.grad)
handle.remove()

# %% [markdown]
# ## 9. `.data` 与 `.detach()`
#
# 笔记 004：想修改张量的值又不想被 autograd 记录，可以对 `tensor.data` 操作。
# 笔记 000 补充 1：`detach()` 返回从计算图中分离的新张量，但与原张量共享内存。

# %%
a = t.ones(3, 4, requires_grad=True)
b = t.ones(3, 4, requires_grad=True)
c = a * b
print(a.data)  # 还是一个tensor
d = a.data.sigmoid_()  # sigmoid_ 是个inplace操作，会修改a自身的值
print(a)

# %%
a = torch.ones(3, requires_grad=True)
d = a.detach()
print(d.requires_grad, d.data_ptr() == a.data_ptr())
try:
    a.add_(1)
except RuntimeError as err:
    print(err)
with torch.no_grad():
    a.add_(1)
print(a)

# %% [markdown]
# ## 10. 小项目：梯度验证
#
# 用中心差分 $(f(x+h) - f(x-h)) / 2h$ 估计导数，和 autograd 比较（float64 下误差很小）。

# %%
x = torch.tensor([0.5, -1.0, 2.0], dtype=torch.float64, requires_grad=True)
f(x).sum().backward()
h = 1e-6
numeric = (f(x.detach() + h) - f(x.detach() - h)) / (2 * h)
print(x.grad)
print(numeric)
print((x.grad - numeric).abs().max().item() < 1e-6)

# %% [markdown]
# ## 11. 练习
#
# 1. `y = w * x + b` 中，若 `x` 也 `requires_grad=True`，`y.grad_fn.next_functions` 会怎样变化？
# 2. 解释为什么 `out = z.mean()` 对每个 `x_i` 的导数是 4.5（写出 $o = \frac{1}{4}\sum 3(x_i+2)^2$）。
# 3. 用 `torch.no_grad()` 作为装饰器，写一个不记录计算图的函数。

# %% answer
x = torch.ones(1, requires_grad=True)
w = torch.rand(1, requires_grad=True)
b = torch.rand(1, requires_grad=True)
y = w * x + b
print(y.grad_fn.next_functions[0][0].next_functions)
print(3 / 2 * (1 + 2))


@torch.no_grad()
def predict(v):
    return v * 2


print(predict(torch.ones(2, requires_grad=True)).requires_grad)
