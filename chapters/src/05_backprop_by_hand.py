# %% [markdown]
# # 第 5 章　计算图上的反向传播与自定义 autograd.Function
#
# **本章教什么**：把计算拆成一个个原子操作，画成计算图；每条边标上“子节点对父节点的偏导”
# 作为**边权**；某个叶子的梯度 = 从输出到它的**每条路径上边权之积**，再**对所有路径求和**。
# 这就是链式法则，也正是 autograd 的 `backward` 在做的事。然后用 `autograd.Function`
# 自己写一个带反向传播的操作（笔记中的 MyReLU），并用 `gradcheck` 检验它。
#
# **对应笔记**：`002_0b1e019c38618b4a.txt`（计算图、梯度下降算法）、
# `003_72661a104065fcb5.txt`（自动求导可自定义、MyReLU、TwoLayerNet）、
# `004_da74339464c3dc3a.txt`（autograd 记录操作、建立有向无环图）。

# %%
import inspect

import teachtorch as torch
from teachtorch.widgets import BackpropView, GraphView

_ = torch.manual_seed(0)  # 固定随机种子（它返回的 Generator 不必打印）

# %% [markdown]
# ## 1. 计算图
#
# 课程中的例子：$y = w_1 x^2 + w_2 x + b$。取 $x=2, w_1=1, w_2=3, b=0.5$。
# 每做一次运算，autograd 就在图里加一个节点（`MulBackward0`、`PowBackward0`、`AddBackward0`……），
# 叶子节点通过 `AccumulateGrad` 接收梯度。

# %%
x = torch.tensor(2.0, requires_grad=True)
w1 = torch.tensor(1.0, requires_grad=True)
w2 = torch.tensor(3.0, requires_grad=True)
b = torch.tensor(0.5, requires_grad=True)
y = w1 * x**2 + w2 * x + b
print(y)

graph = GraphView(y, names={"x": x, "w1": w1, "w2": w2, "b": b, "y": y})
graph

# %% [markdown]
# 拖动 `build step` 滑块，可以看到图按创建顺序一步步长出来。下面的单元格像学习者点击一样设置控件，
# 并检查小部件显示的内容：

# %%
graph.controls["step"].value = 1
print(graph.state["step"], graph.state["ops"])
graph.controls["step"].value = graph.state["n_ops"]
assert graph.state["error"] is None
print(len(graph.state["shown"]), "nodes shown")

# %% [markdown]
# ## 2. 反向传播 = 边权之积，再对路径求和
#
# `BackpropView` 在每条边上写出局部导数和它的值。选一个叶子（例如 `x`），
# 再选一条路径：路径上的边权相乘就是这条路径的贡献；所有路径的贡献相加，
# 就等于 autograd 算出的 `x.grad`。

# %%
bp = BackpropView(y, names={"x": x, "w1": w1, "w2": w2, "b": b, "y": y})
bp

# %%
leaves = {label: value for label, value in bp.controls["leaf"].options}
bp.controls["leaf"].value = leaves["x"]
for k in range(bp.state["n_paths"]):
    bp.controls["path"].value = k
    print(bp.state["path"], "->", bp.state["products"][k])
print("sum over paths:", bp.state["sum_over_paths"])
print("autograd grad :", bp.state["autograd_grad"])
assert bp.state["match"]

# %% [markdown]
# 手算：$\partial y/\partial x = 2 w_1 x + w_2 = 2\cdot1\cdot2 + 3 = 7$。
# 两条路径分别经过 $w_1 x^2$ 与 $w_2 x$，贡献 4 和 3，之和为 7。用 `backward` 验证：

# %%
y.backward()
print(x.grad, w1.grad, w2.grad, b.grad)

# %% [markdown]
# ## 3. 为什么需要非线性激活函数
#
# 笔记 002 在计算图一节指出：两层线性层之间如果没有激活函数，“这 2 层神经网络其实就等于 1 个 1 层神经网络”。
# 用公式写出来一目了然：
#
# $$W_2 (W_1 x + b_1) + b_2 = \underbrace{(W_2 W_1)}_{W} x + \underbrace{(W_2 b_1 + b_2)}_{b} .$$
#
# 线性函数的复合还是线性函数，叠多少层都一样。笔记 001（4.4 非线性激活）也说：
# 没有激活函数带来的非线性，多层神经网络和单层无异。用两个 `nn.Linear` 验证：

# %%
lin1, lin2 = torch.nn.Linear(3, 4), torch.nn.Linear(4, 2)
W = lin2.weight @ lin1.weight
bias = lin2.weight @ lin1.bias + lin2.bias
inputs = torch.randn(5, 3)
with torch.no_grad():
    print(torch.allclose(lin2(lin1(inputs)), inputs @ W.t() + bias, atol=1e-6))  # 等于一层
    print(torch.allclose(lin2(torch.relu(lin1(inputs))), inputs @ W.t() + bias, atol=1e-6))

# %% [markdown]
# 中间加了 ReLU 之后，就再也写不成一个 $Wx + b$ 了。下一节自己实现的 MyReLU，正是这样一个非线性函数：
# $\text{relu}(x) = \max(x, 0)$，导数在 $x > 0$ 时为 1、$x < 0$ 时为 0。

# %% [markdown]
# ## 4. 自定义 autograd.Function：MyReLU
#
# 笔记 003：继承 `torch.autograd.Function`，写静态方法 `forward(ctx, x)` 与
# `backward(ctx, grad_output)`；`ctx.save_for_backward` 保存反向传播要用的张量。
#
# backward 收到的 `grad_output` 是 $\bar y = \partial L/\partial y$（损失对本操作输出的梯度），
# 要返回 $\bar x = \partial L/\partial x$。对逐元素的操作，链式法则就是
# $\bar x_i = \bar y_i \cdot f'(x_i)$：**一定要乘上 `grad_output`**。
# 代码原样运行：

# %%
class MyReLU(torch.autograd.Function):
    """
    我们可以通过建立torch.autograd的子类来实现我们自定义的autograd函数，
    并完成张量的正向和反向传播。
    """

    @staticmethod
    def forward(ctx, x):
        """
        在正向传播中，我们接收到一个上下文对象和一个包含输入的张量；
        我们必须返回一个包含输出的张量，
        并且我们可以使用上下文对象来缓存对象，以便在反向传播中使用。
        """
        ctx.save_for_backward(x)
        return x.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        """
        在反向传播中，我们接收到上下文对象和一个张量，
        其包含了相对于正向传播过程中产生的输出的损失的梯度。
        我们可以从上下文对象中检索缓存的数据，
        并且必须计算并返回与正向传播的输入相关的损失的梯度。
        """
        x, = ctx.saved_tensors
        grad_x = grad_output.clone()
        grad_x[x < 0] = 0
        return grad_x


x = torch.tensor([-2.0, -0.5, 0.5, 2.0], requires_grad=True)
out = MyReLU.apply(x)
print(out)
out.sum().backward()
print(x.grad)

# %% [markdown]
# `out.grad_fn` 是 `MyReLUBackward`：teachtorch 和 PyTorch 一样，为每个 Function
# 自动生成一个反向节点类，`ctx` 就是这个节点本身。

# %% [markdown]
# ## 5. gradcheck：用数值导数检验 backward
#
# 在 float64 下，用中心差分 $\frac{f(x + \varepsilon e_j) - f(x - \varepsilon e_j)}{2\varepsilon}$
# 估计每个输入元素的导数（一列雅可比矩阵），与 `backward` 算出的雅可比矩阵比较。

# %%
x64 = torch.tensor([-1.3, -0.2, 0.4, 1.7], dtype=torch.float64, requires_grad=True)
print(torch.autograd.gradcheck(MyReLU.apply, (x64,)))

# %% [markdown]
# ### 打开源码：gradcheck 的数值雅可比
#
# `teachtorch/autograd/gradcheck.py` 的核心只有十几行：对每个输入元素加、减 `eps`，
# 各算一次输出，差除以 `2 * eps` 就是雅可比矩阵的一列。

# %%
from teachtorch.autograd import gradcheck as gradcheck_module

print(inspect.getsource(gradcheck_module._numerical_jacobians))

# %% [markdown]
# ## 6. 试一试：backward 写错了
#
# 一个常见错误是 backward 漏乘了 `grad_output`。`gradcheck` 会指出哪个元素不对：

# %%
class BadSquare(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad_output):
        x, = ctx.saved_tensors
        return 2 * x  # 错误：忘了乘 grad_output


try:
    torch.autograd.gradcheck(lambda t: BadSquare.apply(t) * 3, (x64,))
except RuntimeError as err:
    print(err)

# %% [markdown]
# 读这两个矩阵：和 PyTorch 一样，第 i 行对应第 i 个输入元素，第 j 列对应第 j 个输出元素。
# 输出的第 j 个元素只依赖输入的第 j 个元素，所以正确答案（numerical）是对角矩阵，
# 对角线上是 $3 \cdot 2x_j$。analytical 的每一行却是同一个数 $2x_i$：无论反向传入的
# `grad_output` 是哪个单位向量，backward 都返回同样的结果，这正是“忘了乘 grad_output”的样子。

# %% [markdown]
# 另一个错误：backward 返回的梯度个数与 forward 的输入个数不一致。

# %%
class TwoInputs(torch.autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        return a * b

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output  # 应该返回两个值


a = torch.ones(2, requires_grad=True)
try:
    TwoInputs.apply(a, torch.ones(2, requires_grad=True)).sum().backward()
except RuntimeError as err:
    print(err)

# %% [markdown]
# ## 7. TwoLayerNet：把 MyReLU 用进网络
#
# 笔记 003 的 `TwoLayerNet` 用 `clamp(min=0)` 做 ReLU；这里换成我们的 `MyReLU.apply`，
# 两种写法的梯度完全相同。

# %%
class TwoLayerNet(torch.nn.Module):
    def __init__(self, D_in, H, D_out):
        """
        在构造函数中，我们实例化了两个nn.Linear模块，并将它们作为成员变量。
        """
        super(TwoLayerNet, self).__init__()
        self.linear1 = torch.nn.Linear(D_in, H)
        self.linear2 = torch.nn.Linear(H, D_out)

    def forward(self, x):
        """
        在前向传播的函数中，我们接收一个输入的张量，也必须返回一个输出张量。
        我们可以使用构造函数中定义的模块以及张量上的任意的（可微分的）操作。
        """
        h_relu = self.linear1(x).clamp(min=0)
        y_pred = self.linear2(h_relu)
        return y_pred


torch.manual_seed(0)
N, D_in, H, D_out = 16, 10, 20, 2
data, target = torch.randn(N, D_in), torch.randn(N, D_out)
model = TwoLayerNet(D_in, H, D_out)
torch.nn.functional.mse_loss(model(data), target).backward()
g_clamp = model.linear1.weight.grad.clone()
model.zero_grad()
h = MyReLU.apply(model.linear1(data))
torch.nn.functional.mse_loss(model.linear2(h), target).backward()
print(torch.allclose(g_clamp, model.linear1.weight.grad))

# %% [markdown]
# ## 8. 小项目：自己实现 Exp
#
# 先打开 teachtorch 自己的 `Exp`（`teachtorch/ops/pointwise.py`）：`forward` 拿到的是 NumPy 数组
# （`_raw = True`），保存**输出** $y=e^x$，因为 $\frac{d}{dx}e^x = e^x = y$；
# `backward` 用张量运算返回 `grad_output * y`，所以二阶导数也能算。`node_name` 是 `grad_fn` 打印出来的名字。

# %%
from teachtorch.ops import pointwise

print(inspect.getsource(pointwise.Exp))

# %% [markdown]
# 仿照它写一个 `MyExp`：前向保存输出，反向返回 `grad_output * y`，
# 并用 `gradcheck` 与二阶 `gradgradcheck` 检验。

# %%
class MyExp(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        y = x.exp()
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        y, = ctx.saved_tensors
        return grad_output * y


print(torch.autograd.gradcheck(MyExp.apply, (x64,)))
print(torch.autograd.gradgradcheck(MyExp.apply, (x64,)))

# %% [markdown]
# ## 9. 小结
#
# * 计算图的每条边上写“子节点对父节点的偏导”；叶子的梯度 = 所有路径上边权之积的和，这就是链式法则。
# * 没有非线性激活，多层线性层等于一层：$W_2(W_1x+b_1)+b_2 = Wx+b$。
# * 自定义 `autograd.Function`：`forward(ctx, ...)` 里 `ctx.save_for_backward`，
#   `backward(ctx, grad_output)` 返回每个输入的梯度，且一定要乘上 `grad_output`。
# * `gradcheck` 用 float64 的中心差分检验 backward；它报告的两个矩阵，行是输入元素，列是输出元素。

# %% [markdown]
# ## 10. 练习
#
# 1. 对 $y = (a + b)\cdot(b + 1)$，$a=2, b=1$，画出计算图，用“边权之积再求和”算 $\partial y/\partial b$。
# 2. 为什么 MyReLU 的 backward 里要先 `grad_output.clone()`，再把 `x < 0` 的位置置 0？
# 3. 用 `BackpropView` 查看练习 1 的图，确认你的答案。
# 4. **改坏一行**：把 teachtorch 的 `Exp.backward` 里的 `return grad_output * y` 改成 `return y`，
#    用 `exec` 得到坏掉的 `Exp`，对 `lambda t: BrokenExp.apply(t) * 3` 运行 `gradcheck`。
# 5. **改坏检查器**：把 `_numerical_jacobians` 里的 `x[idx] = orig - eps` 改成 `x[idx] = orig`
#    （差分的一边不再减 eps），用它算 `MyExp` 的数值雅可比，和正确的对角线 $e^{x}$ 比较。会差多少？为什么？

# %% answer 练习 1～3
a = torch.tensor(2.0, requires_grad=True)
b_ = torch.tensor(1.0, requires_grad=True)
y2 = (a + b_) * (b_ + 1)
view = BackpropView(y2, names={"a": a, "b": b_, "y": y2})
view.controls["leaf"].value = dict(view.controls["leaf"].options)["b"]
print(view.state["products"], view.state["sum_over_paths"])  # (b+1)*1 + (a+b)*1 = 2 + 3
# 2: grad_output 可能还被别处使用；原地修改它会改掉别人的梯度，所以先复制

# %% answer 练习 4
source = inspect.getsource(pointwise.Exp)
broken = source.replace("return grad_output * y", "return y")
assert broken != source
namespace = dict(vars(pointwise))
exec(broken, namespace)
BrokenExp = namespace["Exp"]
try:
    torch.autograd.gradcheck(lambda t: BrokenExp.apply(t) * 3, (x64,))
except RuntimeError as err:
    print(str(err)[:300])
print(torch.autograd.gradcheck(lambda t: pointwise.Exp.apply(t) * 3, (x64,)))

# %% answer 练习 5
source = inspect.getsource(gradcheck_module._numerical_jacobians)
broken = source.replace("x[idx] = orig - eps", "x[idx] = orig")
assert broken != source
namespace = dict(vars(gradcheck_module))
exec(broken, namespace)
xs = x64.detach().clone()
good = gradcheck_module._numerical_jacobians(MyExp.apply, (xs,), [0], 1e-6)[0][0]
bad = namespace["_numerical_jacobians"](MyExp.apply, (xs,), [0], 1e-6)[0][0]
print(good.diagonal().round(4), bad.diagonal().round(4))
# 改坏后变成 (f(x+eps) - f(x)) / (2 eps)：分子只走了一半的距离，结果只有正确值的一半
