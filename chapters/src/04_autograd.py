# %% [markdown]
# # 第 4 章　autograd：自动求导
#
# **本章教什么**：`requires_grad` 如何在计算中传播；叶子节点与 `grad_fn`；`backward` 的三个参数
# （gradient、retain_graph、create_graph）；`grad_fn.next_functions`；梯度累加与清零；
# hook 与 `retain_grad`；`.data` 与 `.detach()`；`Variable` 在今天是什么。
#
# **对应笔记**：`004_da74339464c3dc3a.txt`（autograd：自动求导）、`000_31b0c36760745ae4.txt`
# （chaper2 二、chaper3 二、chaper 6 补充 1）、`003_72661a104065fcb5.txt`（2. Autograd 自动求导）。
#
# **直觉**：前向计算时，autograd 把每一步运算记成图里的一个节点（`grad_fn`），
# 节点记住反向时要用的输入（saved tensors）。`backward()` 从输出出发，按**链式法则**
#
# $$\frac{\partial L}{\partial x} = \frac{\partial L}{\partial y}\cdot\frac{\partial y}{\partial x}$$
#
# 逆着图一个节点一个节点往回乘，到了叶子（`requires_grad=True` 的、用户自己创建的张量）
# 就把梯度**加**进它的 `.grad`。本章依次看这句话里的每个词，最后打开引擎的源码看它怎么做到。

# %%
import inspect

import teachtorch as t
import teachtorch as torch
from teachtorch.widgets import GraphView

_ = torch.manual_seed(0)  # 固定随机种子（它返回的 Generator 不必打印）

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
print(z.grad_fn.name())  # 直接 print(z.grad_fn) 显示的是 <AddBackward0 object at 0x...>
# next_functions 是 (节点, 输出编号) 的元组；直接打印会显示 <AccumulateGrad object at 0x...>
# 这样每次运行都不同的地址，所以这里只打印节点的名字
print([(f.name() if f is not None else None, i) for f, i in z.grad_fn.next_functions])
print([(f.name() if f is not None else None, i) for f, i in y.grad_fn.next_functions])

# %% [markdown]
# `z.grad_fn` 是 `AddBackward0`，它的 `next_functions` 指向 `y` 的 `MulBackward0`
# 和 `b` 的 `AccumulateGrad`（叶子节点的梯度在这里累加）。`x` 不需要梯度，所以是 `None`。

# %% [markdown]
# ## 3. retain_graph
#
# 计算 `w` 的梯度需要 `x` 的值，这些值在前向传播时作为 buffer 保存，反向传播之后自动清空。
# 要再反向传播一次，第一次必须 `retain_graph=True`。梯度是**累加**的。
#
# 用 `GraphView` 看这张图：叶子 `x`、`w`、`b`，运算节点 `MulBackward0`、`AddBackward0`。
# 每次 backward 之后调用 `reload()` 重新读图：梯度出现在叶子上；没有 `retain_graph=True` 的
# backward 之后，saved tensors 被释放（图上变灰，状态里 `freed` 变成 True）。

# %%
gview = GraphView(z, names={"x": x, "w": w, "b": b, "y": y, "z": z})
gview

# %%
print(gview.state["ops"], "freed:", gview.state["freed"])
z.backward(retain_graph=True)
print(w.grad)
gview.reload()
print("retain_graph=True 之后 freed:", gview.state["freed"], gview.state["grads"]["w"])

# %%
z.backward()
print(w.grad)  # 累加：两次之和
gview.reload()
print("第二次 backward 之后 freed:", gview.state["freed"], gview.state["grads"]["w"])
assert gview.state["freed"]

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
# 这两者都与原张量共享内存，区别在于**版本检查**（见本节后半）：今天推荐用 `detach()`
# 和 `with torch.no_grad():`，而不是 `.data`。

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
# ### `.data` 会跳过版本检查
#
# autograd 给每个张量一个版本号（`_version`），原地修改一次就加 1。反向传播时，如果某个 saved tensor
# 的版本号和保存时不同，就报错，因为用它算出的梯度已经不对了。`detach()` 得到的张量和原张量**共享**
# 版本号，所以这个错误能被发现；`.data` 得到的张量有自己的版本号，修改它**不会**报错，梯度悄悄地错了：
#
# 下面 `z = sigmoid(b)`，`L = sum(z * z)`，反向要用到 `z`。把 `z` 原地清零后：

# %%
for how in ("detach", "data"):
    b = torch.ones(3, requires_grad=True)
    z = b.sigmoid()
    L = (z * z).sum()
    alias = z.detach() if how == "detach" else z.data
    alias.zero_()  # 原地修改反向要用的 z
    try:
        L.backward()
        print(how, "没有报错，b.grad =", b.grad)
    except RuntimeError as err:
        print(how, "RuntimeError:", str(err).splitlines()[0][:100], "...")
b = torch.ones(3, requires_grad=True)
(b.sigmoid() ** 2).sum().backward()
print("正确的 b.grad =", b.grad)

# %% [markdown]
# 所以更新参数的现代写法是 `with torch.no_grad():`，它既不记录计算图，也保留版本检查：
#
# ```python
# with torch.no_grad():
#     w -= lr * w.grad      # 旧写法：w.data -= lr * w.grad.data
# w.grad.zero_()
# ```
#
# 笔记里的 `w.data = w.data - 0.01 * w.grad.data` 在第 6 章还会出现，它能跑，
# 但请把它当作历史写法来读。

# %% [markdown]
# ## 10. 打开源码：反向传播引擎与 AccumulateGrad
#
# 反向传播引擎在 `teachtorch/autograd/engine.py`。`run_backward` 只是把 `backward_steps` 从头跑到尾；
# 主循环在 `backward_steps` 里，读的时候抓住这几步：
#
# 1. `_ReadyQueue` 先数出每个节点还要等几份梯度（`deps`），梯度到齐的节点才进入按创建顺序倒序的堆；
# 2. `queue.pop()` 取出一个节点和已经到达它的梯度 `grads_in`；
# 3. 普通节点：`_call_node` 调用它的 backward，得到给每个输入的梯度 `grads_out`；
#    不保留图时把 `node._saved` 换成 `_FREED`，saved tensors 就此放掉（这就是第二次 backward 报错的原因）；
# 4. 节点是 `AccumulateGrad`（叶子）时，`_accumulate` 把梯度加进 `.grad`；
# 5. `queue.send` 把 `grads_out` **加**进下一个节点的缓冲区，它的 `deps` 减 1，变成 0 就入堆。

# %%
from teachtorch.autograd import engine

print(inspect.getsource(engine.backward_steps))

# %%
print(inspect.getsource(engine._ReadyQueue.send))

# %% [markdown]
# 叶子的梯度怎样“累加”：第一次是复制一份，以后是原地 `+=`。这就是为什么每次训练都要清零梯度。

# %%
print(inspect.getsource(engine._accumulate))

# %% [markdown]
# ### 小部件：BackwardStepper，一步一步地反向传播
#
# `BackwardStepper` 就是上面那个循环，每运行一个节点就停下来：图里点亮当前节点，旁边是它的 backward 源码、
# 到达它的梯度和它送出的梯度；saved tensors 被释放，叶子的 `.grad` 一步步填上。按 `next ▶` 往前走，
# `run to end ▶▶` 走完，走完后叶子的梯度和 `backward()` 给出的一模一样。
# 用第 2 节的 $z = w x + b$，这次让 `x` 也需要梯度：

# %%
from teachtorch.widgets import BackwardStepper

x = torch.tensor([2.0], requires_grad=True)
w = torch.tensor([3.0], requires_grad=True)
b = torch.tensor([1.0], requires_grad=True)
z = w * x + b
stepper = BackwardStepper(z, names={"x": x, "w": w, "b": b, "z": z})
stepper

# %%
for _ in range(stepper.state["n_steps"]):
    stepper.next()
    st = stepper.state
    print(st["step"], st["node"], st["node_label"])
print(x.grad, w.grad, b.grad)  # dz/dx = w = 3, dz/dw = x = 2, dz/db = 1
assert stepper.state["done"]

# %% [markdown]
# ## 11. 小项目：梯度验证
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
# ## 12. 小结
#
# * 前向时 autograd 记下计算图：非叶子张量有 `grad_fn`，`next_functions` 指向上游节点，叶子通过
#   `AccumulateGrad` 接收梯度。
# * `backward()` 按链式法则逆着图计算，叶子的梯度**累加**进 `.grad`，所以要清零；
#   默认反向之后释放 saved tensors，要再反向一次需要 `retain_graph=True`。
# * 非标量输出要给 `gradient` 参数；`create_graph=True` 记录反向过程，可以求二阶导。
# * `detach()` 和 `with torch.no_grad():` 是今天的写法；`.data` 跳过版本检查，可能得到悄悄出错的梯度。

# %% [markdown]
# ## 13. 练习
#
# 1. `y = w * x + b` 中，若 `x` 也 `requires_grad=True`，`y.grad_fn.next_functions` 会怎样变化？
# 2. 解释为什么 `out = z.mean()` 对每个 `x_i` 的导数是 4.5（写出 $o = \frac{1}{4}\sum 3(x_i+2)^2$）。
# 3. 用 `torch.no_grad()` 作为装饰器，写一个不记录计算图的函数。
# 4. **改坏一行**：把 `_accumulate` 最后一个分支的 `old._data += grad._data` 改成
#    `old._data[...] = grad._data`（覆盖而不是累加），临时换掉引擎里的 `_accumulate`，
#    重做第 5 节“梯度要清零”的实验，和正确的结果对比。

# %% answer 练习 1～3
x = torch.ones(1, requires_grad=True)
w = torch.rand(1, requires_grad=True)
b = torch.rand(1, requires_grad=True)
y = w * x + b
print([(f.name() if f is not None else None, i)
       for f, i in y.grad_fn.next_functions[0][0].next_functions])  # x 也需要梯度：两条边都是 AccumulateGrad
print(3 / 2 * (1 + 2))


@torch.no_grad()
def predict(v):
    return v * 2


print(predict(torch.ones(2, requires_grad=True)).requires_grad)

# %% answer 练习 4
source = inspect.getsource(engine._accumulate)
broken = source.replace("old._data += grad._data", "old._data[...] = grad._data")
assert broken != source
namespace = dict(vars(engine))
exec(broken, namespace)


def three_backwards():
    x = torch.ones(2, requires_grad=True)
    for _ in range(3):
        (x * 3).sum().backward()
    return x.grad


original = engine._accumulate
engine._accumulate = namespace["_accumulate"]  # 临时换掉
try:
    print("改坏的:", three_backwards())
finally:
    engine._accumulate = original  # 一定要换回来
print("原来的:", three_backwards())  # 3 + 3 + 3
