# %% [markdown]
# # 第 14 章　nn.Module 的内部：参数注册、容器、钩子、初始化
#
# **本章教什么**：`self.fc = nn.Linear(...)` 这一句背后发生了什么（`__setattr__` 把
# Parameter、子模块、buffer 分别登记到 `_parameters`、`_modules`、`_buffers`）；
# `named_parameters` 的顺序和前缀；三种容器 `Sequential`、`ModuleList`、`ModuleDict`；
# 用 forward hook 取出中间层的输出、用 backward hook 看梯度；参数初始化（`nn.init` 和
# `apply(init_fn)`）；`train()` / `eval()` 对 Dropout、BatchNorm 的影响；嵌套模型的 repr 与参数计数。
#
# **对应笔记**：`000_31b0c36760745ae4.txt`（chaper4 神经网络 · 1. Sequential 与 ModuleList、7.钩子 hook；
# chaper 6 补充 · 4.model.train()与model.eval()）、`001_006c858c5f14514d.txt`（4.1 模型 torch.nn.Module）、
# `003_72661a104065fcb5.txt`（1. 搭建模型、高度抽象接口 · torch.nn可自定义）。

# %%
import teachtorch as t
import teachtorch as torch
import teachtorch.nn as nn
import teachtorch.nn.functional as F
from teachtorch.widgets import GraphView, ModuleTreeView, SourceView
import inspect
import textwrap

_ = torch.manual_seed(0)  # 之后所有随机数（randn、初始化）都由它决定（赋给 _：不打印生成器的内存地址）

# %% [markdown]
# ## 1. 自定义模型：继承 nn.Module（笔记 001 · 4.1、笔记 003）
#
# 直觉：一个 `Module` 就是“一组参数 + 一个 `forward` 函数”，而且模块可以套模块：一层是模块，
# 一个残差块是模块，整个网络也是模块。继承 `nn.Module` 以后，PyTorch 替你做三件事：
# 赋值时**登记**参数和子模块（`__setattr__`，第 2 节）；`model(x)` 时**调用** `forward` 并运行钩子
# （`__call__`，第 6 节）；`parameters()`、`state_dict()`、`.to()`、`train()` 时**递归地走遍**所有子模块。
#
# 只需实现 `__init__`（创建层）和 `forward`（怎么用这些层）；`backward` 由 autograd 自动得到。


# %%
class Model(nn.Module):
    def __init__(self): # 实现init方法
        super().__init__()
        self.conv1 = nn.Conv2d(1, 20, 5)
        self.conv2 = nn.Conv2d(20, 20, 5)

    def forward(self, x): # 实现forward方法
        x = F.relu(self.conv1(x))
        return F.relu(self.conv2(x))


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


print(Model()(torch.randn(1, 1, 12, 12)).shape)
two = TwoLayerNet(4, 8, 2)
print(two(torch.randn(3, 4)).shape)

# %% [markdown]
# ## 2. `__setattr__`：赋值就是注册
#
# `Module.__setattr__` 检查赋的值：`nn.Parameter` 进 `_parameters`，`nn.Module` 进 `_modules`，
# `register_buffer` 登记的张量进 `_buffers`；普通张量和其他值只是普通属性，
# **不会**出现在 `parameters()` / `state_dict()` 里，也不会被 `.to()` 搬走。


# %%
class Scale(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(3))      # -> _parameters
        self.inner = nn.Linear(3, 3)                   # -> _modules
        self.register_buffer("running", torch.zeros(3))  # -> _buffers
        self.plain = torch.zeros(3)                    # 普通属性

    def forward(self, x):
        return self.inner(x * self.weight) + self.running


s = Scale()
print(list(s._parameters), list(s._modules), list(s._buffers))
print("plain" in s.__dict__, "weight" in s.__dict__)
print([name for name, _ in s.named_parameters()])
print(list(s.state_dict()))

# %% [markdown]
# 打开 `Module.__setattr__`：它按顺序问三个问题——是 `Parameter` 吗？是 `Module` 吗？
# 是 buffer 吗？——分别放进三个字典；都不是才用 `object.__setattr__` 存成普通属性。
# 反过来，`self.fc` 读的时候走 `__getattr__`，到这三个字典里去找。

# %%
SourceView(nn.Module.__setattr__)

# %% [markdown]
# `named_parameters()` 的顺序：先是模块自己的参数（按赋值顺序），再递归进每个子模块（也按赋值顺序），
# 名字前加上子模块的属性名作为前缀，用 `.` 连接。

# %% [markdown]
# ### 试一试：忘了 `super().__init__()`
#
# 注册靠的是 `super().__init__()` 建好的 `_parameters`、`_modules` 字典；漏了这句，第一次给模块赋值就出错。


# %%
class Forgot(nn.Module):
    def __init__(self):
        self.fc = nn.Linear(2, 2)


try:
    Forgot()
except AttributeError as err:
    print(err)

# %% [markdown]
# ## 3. Sequential：两种写法（笔记 000 · 1.）
#
# `add_module(name, module)` 可以给每层起名字；位置参数的写法用 "0"、"1"、"2" 作为名字。

# %%
net1 = nn.Sequential()
net1.add_module('conv', nn.Conv2d(3, 3, 3))
net1.add_module('batchnorm', nn.BatchNorm2d(3))
net1.add_module('activation_layer', nn.ReLU())
#或
net2 = nn.Sequential(
        nn.Conv2d(3, 3, 3),
        nn.BatchNorm2d(3),
        nn.ReLU()
        )
print(net1)
print(net2)
print([n for n, _ in net1.named_parameters()])
print([n for n, _ in net2.named_parameters()])
print(list(net2.state_dict())[2:])  # BatchNorm 的 buffer 也在 state_dict 里
print(net1.conv is net1[0], net2[0])

# %% [markdown]
# ## 4. ModuleList：像 list 一样用，但不能直接调用（笔记 000 · 1.）
#
# 为什么不直接用 Python 的 list？因为 list 里的层**不会被注册**：`parameters()` 找不到它们，
# 优化器就不会更新它们。


# %%
class MyModule(nn.Module):
    def __init__(self):
        super(MyModule, self).__init__()
        self.module_list = nn.ModuleList([nn.Conv2d(3, 3, 3), nn.ReLU()])
    def forward(self):
        pass
model=MyModule()
input = t.randn(3,3,3,3)
for m in model.module_list:
    input = m(input)
print(input.shape)


class PlainList(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = [nn.Conv2d(3, 3, 3), nn.ReLU()]


print(len(list(model.parameters())), len(list(PlainList().parameters())))

# %% [markdown]
# ### 试一试：直接调用 ModuleList
#
# 笔记的最后一行 `output = model.module_list(input)` 会报错：ModuleList 只是个容器，
# 没有 `forward`，不知道层之间怎么连。（错误提示说的 "define forward" 是针对自己写的模块；
# 对 ModuleList，正确的做法是像上面那样用 for 循环，或者换成 `nn.Sequential`。）

# %%
try:
    output = model.module_list(input)
except NotImplementedError as err:
    print(err)
print(nn.Sequential(*model.module_list)(t.randn(3, 3, 3, 3)).shape)

# %% [markdown]
# ## 5. 嵌套模型：repr、named_modules 与参数计数（笔记 003 · 1. 搭建模型）


# %%
class TheModelClass(nn.Module):
    def __init__(self):
        super(TheModelClass, self).__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.view(-1, 16 * 5 * 5)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


torch.manual_seed(0)
lenet = TheModelClass()
print(lenet)
total = sum(p.numel() for p in lenet.parameters())
trainable = sum(p.numel() for p in lenet.parameters() if p.requires_grad)
print("total:", total, "trainable:", trainable)
for name, p in lenet.named_parameters():
    print(f"{name:12s} {tuple(p.shape)!s:16s} {p.numel()}")

# %% [markdown]
# ### 小部件：模块树
#
# `ModuleTreeView` 把子模块列成一棵树：每个模块自己的参数（own）和包含子模块的总数（total）。
# 给它一个示例输入，它用 forward hook 记下每个叶子模块输出的形状和统计量（下一节讲 hook）。

# %%
tree = ModuleTreeView(lenet, example_input=torch.randn(2, 3, 32, 32))
tree

# %%
print(tree.state["total"], [(r["name"], r["own"]) for r in tree.state["rows"]][:3])
print([(a["name"], a["shape"]) for a in tree.state["activations"]][:3])
tree.controls["depth"].value = 0
print(len(tree.state["rows"]))
assert tree.state["total"] == total and tree.state["error"] is None

# %% [markdown]
# ## 6. 钩子 hook：取出中间层的输出（笔记 000 · 7.）
#
# 场景（笔记原话）：有一个训练好的模型，需要提取某一层（不是最后一层）的输出作为特征，
# 但又不想修改模型定义。`register_forward_hook(fn)` 在该层 forward 之后调用
# `fn(module, input, output)`；用完记得 `handle.remove()`，否则每次前向都会调用它。
#
# 钩子是怎样被调用的？`lenet(images)` 走 `Module.__call__`（第 11 章打开过）：没有钩子时直接调用
# `forward`；有钩子时交给 `call_with_hooks`，顺序是 forward pre-hook → `forward` →
# forward hook（返回值不是 `None` 就替换输出）；有 backward hook 时，还在输入和输出上各挂一个
# 记录梯度的节点。

# %%
from teachtorch.nn.modules._hooks import call_with_hooks

SourceView(call_with_hooks)

# %%
features = {}


def save_output(module, input, output):
    features["fc1"] = output.detach()


handle = lenet.fc1.register_forward_hook(save_output)
images = torch.randn(4, 3, 32, 32)
logits = lenet(images)
handle.remove()
print(logits.shape, features["fc1"].shape)
# 与手工算到 fc1 的结果一致
manual = lenet.fc1(lenet.pool(F.relu(lenet.conv2(lenet.pool(F.relu(lenet.conv1(images)))))).view(-1, 400))
print(torch.allclose(features["fc1"], manual))
lenet(images)
print(len(lenet.fc1._forward_hooks))  # 移除后不再调用

# %% [markdown]
# backward hook 在梯度算到这一层时调用 `fn(module, grad_input, grad_output)`：
# `grad_output` 是损失对该层输出的梯度，`grad_input` 是对该层输入的梯度。

# %%
grads = {}


def save_grad(module, grad_input, grad_output):
    grads["out"] = grad_output[0]
    grads["in"] = grad_input[0]


handle = lenet.fc3.register_full_backward_hook(save_grad)
out = lenet(images)
out.sum().backward()
handle.remove()
print(grads["out"].shape, grads["in"].shape)
print(torch.equal(grads["out"], torch.ones(4, 10)))                  # d(sum)/d(out) = 1
print(torch.allclose(grads["in"], torch.ones(4, 10) @ lenet.fc3.weight))  # 对输入的梯度 = grad_out @ W

# %% [markdown]
# ## 7. 参数初始化：nn.init 与 apply
#
# `nn.init` 里带下划线的函数**就地**修改张量（在 `no_grad` 下）。`model.apply(fn)` 对每个子模块
# （再加上模型自己）递归调用 `fn`，常用来统一初始化。

# %%
torch.manual_seed(0)
w = torch.empty(3, 5)
nn.init.xavier_uniform_(w)  # U(-a, a)，a = gain * sqrt(6 / (fan_in + fan_out))
bound = (6 / (5 + 3)) ** 0.5
print(round(w.abs().max().item(), 4), round(bound, 4), w.abs().max().item() <= bound)
nn.init.kaiming_normal_(w, mode="fan_in", nonlinearity="relu")  # N(0, 2 / fan_in)
nn.init.constant_(w[0], 0.3)
print(w[0])


def init_fn(m):
    if isinstance(m, (nn.Conv2d, nn.Linear)):
        nn.init.kaiming_uniform_(m.weight, nonlinearity="relu")
        nn.init.zeros_(m.bias)


visited = []
lenet.apply(lambda m: visited.append(type(m).__name__))
print(visited)
lenet.apply(init_fn)
print(lenet.fc1.bias.abs().sum().item(), round(lenet.fc1.weight.std().item(), 4),
      round((2 / 400) ** 0.5, 4))

# %% [markdown]
# kaiming 初始化后 fc1 权重的标准差（上面第 2 个数）接近 $\sqrt{2/\text{fan\_in}} = \sqrt{2/400}$（第 3 个数）。

# %% [markdown]
# ## 8. train() 与 eval()（笔记 000 · 补充 4.）
#
# `model.train()` / `model.eval()` 递归地设置每个子模块的 `training` 标志。
# Dropout 训练时随机置零并把其余元素放大 $1/(1-p)$，评估时原样输出；
# BatchNorm 训练时用当前 batch 的均值方差并更新 running 统计量，评估时用 running 统计量。

# %%
torch.manual_seed(0)
block = nn.Sequential(nn.Linear(4, 4), nn.BatchNorm1d(4), nn.Dropout(p=0.5))
x = torch.randn(8, 4)
block.train()
a, b = block(x), block(x)
print(block.training, block[2].training, torch.equal(a, b))  # dropout 两次不一样
print(block[1].num_batches_tracked.item(), [round(v, 4) for v in block[1].running_mean.tolist()])
block.eval()
c, d = block(x), block(x)
print(block.training, block[2].training, torch.equal(c, d))   # 评估模式：确定的
print(block[1].num_batches_tracked.item())                     # 评估时不再更新

# %% [markdown]
# ## 9. 小部件：按模块折叠计算图
#
# `GraphView` 画出一次前向的计算图；把子模块（名字 → 模块）作为 `names` 传给它，
# 再勾选 "collapse modules"，每个子模块的参数和运算就折叠成一个立体方框，
# 看到的就是 `print(model)` 的那些层怎样连起来。

# %%
torch.manual_seed(0)
small = TwoLayerNet(3, 4, 2)
# names：告诉小部件哪些参数属于哪个子模块（这里用 named_children 的名字）
graph = GraphView(small(torch.randn(2, 3)).sum(), names=dict(small.named_children()))
graph

# %%
print(graph.state["ops"])
print("box3d" in graph.state["dot"])
graph.controls["collapse"].value = True
print(graph.state["collapse"], graph.state["dot"].count("box3d"))
assert graph.state["error"] is None and "linear1" in graph.state["dot"]

# %% [markdown]
# ## 10. 小项目：冻结特征层、统计可训练参数
#
# 迁移学习的常见做法：冻结前面的层（`requires_grad_(False)`），只训练最后的分类层，
# 优化器也只拿可训练的参数。检查一步训练后冻结的层确实没变。

# %%
torch.manual_seed(0)
model = TheModelClass()
for name, p in model.named_parameters():
    if not name.startswith("fc3"):
        p.requires_grad_(False)
trainable = [p for p in model.parameters() if p.requires_grad]
print(sum(p.numel() for p in trainable), sum(p.numel() for p in model.parameters()))
optimizer = torch.optim.SGD(trainable, lr=0.1)
before = {k: v.clone() for k, v in model.state_dict().items()}
loss = F.cross_entropy(model(images), torch.tensor([0, 1, 2, 3]))
loss.backward()
optimizer.step()
changed = [k for k, v in model.state_dict().items() if not torch.equal(v, before[k])]
print(changed, model.conv1.weight.grad is None)

# %% [markdown]
# ## 11. 小结
#
# * `self.fc = nn.Linear(...)` 经过 `Module.__setattr__`，把 Parameter、子模块、buffer 分别登记到 `_parameters`、`_modules`、`_buffers`；`named_parameters` 的顺序就是登记的顺序。
# * `model(x)` 调用 `Module.__call__`，它先跑 forward pre-hook，再调用 `forward`，再跑 forward hook；所以要写 `model(x)` 而不是 `model.forward(x)`。
# * `train()` / `eval()` 只切换 `training` 标志，影响 Dropout 和 BatchNorm；冻结参数用 `requires_grad_(False)`。

# %% [markdown]
# ## 12. 练习
#
# 1. `nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.ReLU(), nn.Linear(3, 1)))` 的 `named_parameters` 名字是什么？
# 2. 给 `Scale` 加一个 `register_buffer("tmp", t, persistent=False)`，它会出现在 `state_dict` 里吗？
# 3. 用 forward pre-hook（`register_forward_pre_hook`）打印 `lenet.fc1` 收到的输入形状。
# 4. 第三种容器 `nn.ModuleDict` 按名字存放子模块。写一个模块，在 `forward(x, act)` 里按名字
#    （`"relu"` 或 `"tanh"`）选择激活函数，并看看 `named_modules()` 的名字。
# 5. **改坏一行**：把 `Module.__setattr__` 里的 `if isinstance(value, Parameter):` 改成
#    `if False:`，用 `exec` 得到坏掉的函数，做一个用它的 `nn.Linear` 子类，数一数 `parameters()`，
#    和真正的 `nn.Linear` 对照。

# %% answer 练习 1～3
print([n for n, _ in nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.ReLU(), nn.Linear(3, 1))).named_parameters()])
s = Scale()
s.register_buffer("tmp", torch.zeros(1), persistent=False)
print(list(s._buffers), list(s.state_dict()))
h = lenet.fc1.register_forward_pre_hook(lambda m, inp: print("fc1 input:", inp[0].shape))
lenet(images)
h.remove()

# %% answer 练习 4
class Switch(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Linear(4, 4)
        self.acts = nn.ModuleDict({"relu": nn.ReLU(), "tanh": nn.Tanh()})

    def forward(self, x, act="relu"):
        return self.acts[act](self.body(x))


sw = Switch()
x = torch.randn(2, 4)
print(list(sw.acts.keys()), sw(x, "relu").min().item() >= 0, sw(x, "tanh").abs().max().item() < 1)
print([n for n, _ in sw.named_modules()])

# %% answer 练习 5
module_file = inspect.getmodule(nn.Module)  # teachtorch/nn/modules/module.py
source = textwrap.dedent(inspect.getsource(nn.Module.__setattr__))
broken = source.replace("if isinstance(value, Parameter):", "if False:")
assert broken != source
namespace = dict(vars(module_file))
exec(broken, namespace)


class BrokenLinear(nn.Linear):
    __setattr__ = namespace["__setattr__"]


print(len(list(nn.Linear(2, 3).parameters())), len(list(BrokenLinear(2, 3).parameters())))
# 权重还在（普通属性），但 parameters() 找不到它：优化器不会更新它，state_dict 里也没有
print(type(BrokenLinear(2, 3).weight).__name__, list(BrokenLinear(2, 3).state_dict()))
