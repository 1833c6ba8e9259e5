# %% [markdown]
# # 第 5 章　计算图上的反向传播与自定义 autograd.Function
#
# **本章教什么**：把计算拆成一个个原子操作，画成计算图；每条边标上"子节点对父节点的偏导"
# 作为**边权**；某个叶子的梯度 = 从输出到它的**每条路径上边权之积**，再**对所有路径求和**。
# 这就是链式法则，也正是 autograd 的 `backward` 在做的事。然后用 `autograd.Function`
# 自己写一个带反向传播的操作（笔记中的 MyReLU），并用 `gradcheck` 检验它。
#
# **对应笔记**：`002_0b1e019c38618b4a.txt`（计算图、梯度下降算法）、
# `003_72661a104065fcb5.txt`（自动求导可自定义、MyReLU、TwoLayerNet）、
# `004_da74339464c3dc3a.txt`（autograd 记录操作、建立有向无环图）。

# %%
import teachtorch as torch
from teachtorch.widgets import BackpropView, GraphView

torch.manual_seed(0)

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
# ## 3. 自定义 autograd.Function：MyReLU
#
# 笔记 003：继承 `torch.autograd.Function`，写静态方法 `forward(ctx, x)` 与
# `backward(ctx, grad_output)`；`ctx.save_for_backward` 保存反向传播要用的张量。
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
# ## 4. gradcheck：用数值导数检验 backward
#
# 在 float64 下，用有限差分估计每个输入元素的导数，与 `backward` 的结果比较。

# %%
x64 = torch.tensor([-1.3, -0.2, 0.4, 1.7], dtype=torch.float64, requires_grad=True)
print(torch.autograd.gradcheck(MyReLU.apply, (x64,)))

# %% [markdown]
# ## 5. 试一试：backward 写错了
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
# ## 6. TwoLayerNet：把 MyReLU 用进网络
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
# ## 7. 小项目：自己实现 Exp
#
# 仿照 teachtorch 源码里的 `Exp`（`teachtorch/ops/pointwise.py`），写一个 `MyExp`：
# 前向保存输出 $y=e^x$，反向返回 `grad_output * y`，并用 `gradcheck` 与二阶 `gradgradcheck` 检验。

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
# ## 8. 练习
#
# 1. 对 $y = (a + b)\cdot(b + 1)$，$a=2, b=1$，画出计算图，用"边权之积再求和"算 $\partial y/\partial b$。
# 2. 为什么 MyReLU 的 backward 里要先 `grad_output.clone()`，再把 `x < 0` 的位置置 0？
# 3. 用 `BackpropView` 查看练习 1 的图，确认你的答案。

# %% answer
a = torch.tensor(2.0, requires_grad=True)
b_ = torch.tensor(1.0, requires_grad=True)
y2 = (a + b_) * (b_ + 1)
view = BackpropView(y2, names={"a": a, "b": b_, "y": y2})
view.controls["leaf"].value = dict(view.controls["leaf"].options)["b"]
print(view.state["products"], view.state["sum_over_paths"])  # (b+1)*1 + (a+b)*1 = 2 + 3
# 2: grad_output 可能还被别处使用；原地修改它会改掉别人的梯度，所以先复制
