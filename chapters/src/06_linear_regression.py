# %% [markdown]
# # 第 6 章　梯度下降与线性回归
#
# **本章教什么**：用梯度下降拟合 $y = 2x$：先手动更新参数，再用 `nn.Linear` +
# `MSELoss` + `optim.SGD`；`model(x)` 与 `model.forward(x)` 的区别；MSE 与 L1 损失；
# 在留出的验证集上画训练曲线；最后比较课程中出现的各种优化器，并打开 `SGD.step` 的源码。
#
# **对应笔记**：`002_0b1e019c38618b4a.txt`（梯度下降算法、线性回归 代码示例、
# Logistic回归 代码示例1 和 代码示例2）、`000_31b0c36760745ae4.txt`（6. 优化器、损失函数+优化器）。

# %%
import inspect

import teachtorch as torch
from teachtorch.widgets import TrainingMonitor

_ = torch.manual_seed(0)  # 固定随机种子（它返回的 Generator 不必打印）

# %% [markdown]
# ## 1. 梯度下降：直觉与更新公式
#
# 模型 $\hat y = w x$，单个样本的损失 $\text{cost} = (\hat y - y)^2 = (wx - y)^2$。
# 损失对 $w$ 的导数告诉我们：$w$ 增大一点，损失会增大还是减小。梯度下降就是沿着导数的**反方向**走一小步：
#
# $$w \leftarrow w - \alpha \frac{\partial\, \text{cost}}{\partial w}, \qquad
# \frac{\partial\, \text{cost}}{\partial w} = 2x(wx - y),$$
#
# 其中 $\alpha$ 是学习率。每次只用一个样本算梯度、更新一次，就是**随机梯度下降**（SGD）。
# 手算一步：$w=1$，样本 $(x, y) = (1, 2)$，梯度 $2\cdot1\cdot(1-2) = -2$，
# 学习率 0.01 时 $w$ 变成 $1 + 0.02 = 1.02$。

# %%
w = torch.tensor([1.0], requires_grad=True)
cost = (w * 1 - 2) ** 2
cost.backward()
print(w.grad)
with torch.no_grad():
    w -= 0.01 * w.grad  # 更新本身不进入计算图
print(w)

# %% [markdown]
# ## 2. 笔记的写法：手动更新 `w.data`
#
# 笔记 002 的第一段代码，原样运行（只把 `import torch` 换成 `import teachtorch as torch`）。
# 两个要点：每次 `backward` 之后计算图就被释放；更新参数时不能让更新本身被记进计算图，
# 否则图越来越大。笔记用的是 `.data`，这是旧写法：今天推荐 `with torch.no_grad():`，
# 因为 `.data` 会跳过 autograd 的版本检查（见第 4 章第 9 节）。它打印 100 行，我们先把输出收起来，只看最后几行。

# %%
%%capture notes_run
import teachtorch as torch

# 模拟训练集，这里 y = 2x
x_train = [1, 2, 3]
y_train = [2, 4, 6]

# 创建一个data为1.0的Tensor（张量）
w = torch.Tensor([1.0])
w.requires_grad = True


def forward(x, w):
    # 这里的w和x都是Tensor
    return w * x


def loss(x, y, w):
    y_pred = forward(x, w)
    return (y_pred - y) ** 2


# 训练100次
for epoch in range(100):
    # 这里为了方便理解，不使用向量化
    for x, y in zip(x_train, y_train):
        cost = loss(x, y, w)
        cost.backward()

        # 这里假设学习率为0.01
        # 须注意w.grad其实也是一个张量，更新参数时应该转换成标量来计算
        # 否则张量间的计算会构建计算图，循环多次后，可能会因为计算图过于庞大导致程序崩溃
        w.data = w.data - 0.01 * w.grad.data

        # 手动将原来的导数清零，如果不清零，就会保留原有的值，下次使用时会是 旧值+新值
        # 显然这样的设定是为了方便应用以后的各种优化方法
        w.grad.data.zero_()

    # cost.item()的返回值是一个int或float类型的数据
    # 这里输出的是上个训练集中最后一组数据的cost，并非总的cost
    # 如果要计算cost_total，应在上一个循环中使用sum += cost.item()
    # 如果使用sum_tensor += cost，那么会构建计算图来计算，性能不如直接进行标量运算
    # 但是sum == sum_tensor.item()为True
    print("epoch: ", epoch, ",\tcost: ", cost.item())

print(type(w.item()),w.item()) 	# <class 'float'> 1.9999996423721313
print(type(w.data),w.data) 		# <class 'torch.Tensor'> tensor([2.0000])
print(type(w),w) 				# <class 'torch.Tensor'> tensor([2.0000], requires_grad=True)

# %%
lines = notes_run.stdout.splitlines()
print("\n".join(lines[:3] + ["..."] + lines[-6:]))

# %% [markdown]
# `w.item()` 是 `1.9999996423721313`，和笔记里 PyTorch 给出的数字一模一样：
# 这段程序没有随机数，每一步 float32 运算都和 PyTorch 相同。
# 类型显示为 `teachtorch.tensor.Tensor`，在 PyTorch 里是 `torch.Tensor`。
#
# 同一个循环用今天的写法 `with torch.no_grad():` 更新，结果一模一样：

# %%
w = torch.tensor([1.0], requires_grad=True)
for epoch in range(100):
    for x, y in zip(x_train, y_train):
        cost = loss(x, y, w)
        cost.backward()
        with torch.no_grad():
            w -= 0.01 * w.grad
        w.grad.zero_()
print(w.item(), w.is_leaf)

# %% [markdown]
# ## 3. 试一试：更新时既不用 `no_grad` 也不用 `.data` 会怎样？
#
# 如果写 `w = w - 0.01 * w.grad`，新的 `w` 不再是叶子节点（它有 `grad_fn`），
# 下一次 `backward` 后它的 `.grad` 是 `None`，再用就出错。

# %%
w = torch.tensor([1.0], requires_grad=True)
cost = loss(1, 2, w)
cost.backward()
w = w - 0.01 * w.grad
print(w.is_leaf, w.grad_fn.name())
cost = loss(2, 4, w)
cost.backward()
print(w.grad)
try:
    w.grad.data.zero_()
except AttributeError as err:
    print("AttributeError:", err)

# %% [markdown]
# ## 4. `model(x)` 而不是 `model.forward(x)`：`__call__`
#
# 下一节的笔记代码里有一句注释：“注意这里不是调用 `model.forward(x_train)`”。原因在 Python 的
# `__call__`：对象后面加括号，调用的是它的 `__call__` 方法；`*args` 收下所有位置参数（一个元组），
# `**kwargs` 收下所有关键字参数（一个字典）。笔记 002 代码示例 1：

# %%
class Foobar:
    def __init__(self):
        pass

    def __call__(self, *args, **kwargs):
        print(args)   # (1, 2, 3)
        print(kwargs) # {'x': 4, 'y': 5}

foobar = Foobar()
foobar(1,2,3,x=4,y=5)

# %% [markdown]
# `nn.Module` 的 `__call__`（`teachtorch/nn/modules/module.py` 的 `_call_impl`）正是这样把参数原样
# 转给 `forward`；有 hook 时还会在 `forward` 前后运行它们（第 14 章）。直接调用 `model.forward(x)`
# 会跳过这些 hook，所以总是写 `model(x)`。

# %%
print(inspect.getsource(torch.nn.Module.__call__))

# %% [markdown]
# ## 5. 用 `nn.Linear`、`MSELoss` 与 `SGD`
#
# 笔记 002 代码示例 2。原程序训练 10000 轮，每轮打印一次损失；同样先收起输出。
# 注意笔记里 `optimizer.zero_grad()` 的注释写的是“清空之前的动量”，这不对：`zero_grad()`
# 清空的是参数的**梯度** `.grad`；动量保存在优化器的 `state` 里，`zero_grad()` 不动它。

# %%
%%capture notes_run2
import teachtorch as torch

# 模拟训练集，这里 y = 2x
x_train = torch.Tensor([[1], [2], [3]]) # 这是一个 (m,1) 的矩阵，数据集数量在第0维
y_train = torch.Tensor([[2], [4], [6]])

model = torch.nn.Linear(1, 1)
criterion = torch.nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)

for epoch in range(10000):
    y_pred = model(x_train) # 注意这里不是调用model.forward(x_train)
    loss = criterion(y_pred,y_train)
    print(epoch,loss)

    optimizer.zero_grad() # 清空之前的梯度（笔记原注释写作“动量”，不对）
    loss.backward()  # 反向传播计算梯度
    optimizer.step() # 利用计算好的梯度更新参数

print("w =",model.weight.item()) # w = 1.9999957084655762
print("b =",model.bias.item())   # b = 8.701974365976639e-06

# 测试集
x_test = torch.Tensor([4])
y_test = model(x_test)
print("y_pred =",y_test) # y_pred = tensor([8.0000], grad_fn=<AddBackward0>)

# %%
lines = notes_run2.stdout.splitlines()
print("\n".join(lines[:2] + ["..."] + lines[-5:]))
print(round(model.weight.item(), 3), round(model.bias.item(), 3))

# %% [markdown]
# 权重的初值是随机的（teachtorch 的随机流与 PyTorch 不同），所以中间的损失值和笔记不同；
# 但 10000 轮之后 `w` 都收敛到 2、`b` 收敛到 0。
#
# 验证 `zero_grad()` 只清梯度、不清动量：

# %%
torch.manual_seed(0)
m = torch.nn.Linear(1, 1)
opt = torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.9)
criterion(m(x_train), y_train).backward()
opt.step()
opt.zero_grad()
print(m.weight.grad, opt.state[m.weight]["momentum_buffer"])

# %% [markdown]
# ## 6. MSE 与 L1 损失
#
# 回归常用两种损失（笔记 001 · 4.6）：均方误差 $\text{MSE} = \frac1n\sum_i(\hat y_i - y_i)^2$
# 与平均绝对误差 $\text{L1} = \frac1n\sum_i|\hat y_i - y_i|$。MSE 对大误差惩罚更重（平方），
# 梯度 $\frac2n(\hat y_i - y_i)$ 随误差变大；L1 的梯度只有 $\pm\frac1n$，对离群点更“稳”。

# %%
pred = torch.tensor([1.0, 2.0, 10.0], requires_grad=True)
target = torch.tensor([1.5, 2.0, 3.0])
for criterion_cls in (torch.nn.MSELoss, torch.nn.L1Loss):
    pred.grad = None
    value = criterion_cls()(pred, target)
    value.backward()
    print(f"{criterion_cls.__name__:8s} loss={value.item():.4f} grad={[round(g, 4) for g in pred.grad.tolist()]}")

# %% [markdown]
# ## 7. 训练曲线：在留出的验证集上看损失
#
# 只看训练集上的损失，无法知道模型对**没见过**的数据好不好。把带噪声的数据 $y = 2x + 1 + \varepsilon$
# 切成训练集（40 个）和验证集（20 个），每轮在训练集上更新，再在验证集上只算损失（`torch.no_grad()`）。
# `TrainingMonitor` 把每轮记下的数画成曲线（循环结束后显示）。

# %%
torch.manual_seed(0)
xs = torch.rand(60, 1) * 4
ys = 2 * xs + 1 + 0.3 * torch.randn(60, 1)
x_tr, y_tr, x_val, y_val = xs[:40], ys[:40], xs[40:], ys[40:]
model = torch.nn.Linear(1, 1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
criterion = torch.nn.MSELoss()
monitor = TrainingMonitor(total=60, title="MSE loss")
for epoch in range(60):
    loss = criterion(model(x_tr), y_tr)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    with torch.no_grad():
        val_loss = criterion(model(x_val), y_val)
    monitor.log(train_loss=loss.item(), val_loss=val_loss.item())
monitor

# %%
last = monitor.state["last"]
print(f"train_loss={last['train_loss']:.4f} val_loss={last['val_loss']:.4f}")
print(f"w={model.weight.item():.3f} b={model.bias.item():.3f}")
assert monitor.state["n"] == 60 and monitor.state["error"] is None

# %% [markdown]
# 两条曲线一起下降并贴近噪声的方差 $0.3^2 = 0.09$：模型学到的是规律而不是噪声。
# 如果验证损失开始上升而训练损失还在下降，就是过拟合。

# %% [markdown]
# ## 8. 比较各种优化器
#
# 课程里用同一个线性回归比较了多种优化器。下面每个优化器在第 5 节的三个点上训练 200 步，打印最后的损失。
# 读结果时要记住：每个优化器的学习率是随手选的，比较的是“这个学习率下”的速度，
# 不是优化器本身的优劣。例如这里 `RMSprop(lr=0.01)` 反而比 `SGD` 慢：它把梯度除以梯度的均方根，
# 每步走多远主要由学习率决定、与梯度大小无关，lr=0.01 时 200 步还没走到 $w=2$；
# `SGD+momentum`、`Rprop`、`LBFGS` 已经到了。

# %%
def train_with(opt_class, steps=200, **kwargs):
    torch.manual_seed(0)
    model = torch.nn.Linear(1, 1)
    optimizer = opt_class(model.parameters(), **kwargs)
    criterion = torch.nn.MSELoss()

    def closure():
        optimizer.zero_grad()
        loss = criterion(model(x_train), y_train)
        loss.backward()
        return loss

    for _ in range(steps):
        loss = optimizer.step(closure)
    return criterion(model(x_train), y_train).item(), model.weight.item()


optimizers = [
    ("SGD", torch.optim.SGD, {"lr": 0.01}),
    ("SGD+momentum", torch.optim.SGD, {"lr": 0.01, "momentum": 0.9}),
    ("Adagrad", torch.optim.Adagrad, {"lr": 0.5}),
    ("Adam", torch.optim.Adam, {"lr": 0.1}),
    ("Adamax", torch.optim.Adamax, {"lr": 0.1}),
    ("ASGD", torch.optim.ASGD, {"lr": 0.01}),
    ("RMSprop", torch.optim.RMSprop, {"lr": 0.01}),
    ("Rprop", torch.optim.Rprop, {"lr": 0.01}),
    ("LBFGS", torch.optim.LBFGS, {"lr": 0.5}),
]
for name, cls, kw in optimizers:
    final_loss, w_value = train_with(cls, steps=20 if name == "LBFGS" else 200, **kw)
    print(f"{name:13s} loss={final_loss:.6f}  w={w_value:.4f}")

# %% [markdown]
# ## 9. 参数组：不同的层用不同的学习率
#
# 笔记 000 的例子：`features` 用全局学习率 1e-5，`classifier` 用 1e-2。

# %%
class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.features = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU())
        self.classifier = torch.nn.Linear(8, 2)

    def forward(self, x):
        return self.classifier(self.features(x))


net = Net()
optimizer = torch.optim.SGD([
                {'params': net.features.parameters()}, # 学习率为1e-5
                {'params': net.classifier.parameters(), 'lr': 1e-2}
            ], lr=1e-5)
print([group["lr"] for group in optimizer.param_groups])

# %% [markdown]
# ## 10. 打开源码：`SGD.step`
#
# `teachtorch/optim/sgd.py` 的 `step` 对每个参数组、每个有梯度的参数调用一次更新；
# 装饰器 `_no_grad_step` 让整个 step 在 `no_grad` 下运行。默认跑的是快速内核
# （`teachtorch/optim/_kernels.py`），在 `with torch.reference_mode():` 里跑的是参考实现
# `sgd_update`：它逐行就是第 1 节的公式 $p \leftarrow p - \alpha\, d$，其中 $d$ 是梯度
# （有 `weight_decay` 时加上 $\lambda p$，有动量时换成动量缓冲区 `buf`）。两者结果相同。

# %%
from teachtorch.optim import sgd

print(inspect.getsource(torch.optim.SGD.step))
print(inspect.getsource(sgd.sgd_update))

# %% [markdown]
# ## 11. 小项目：自己写一个 SGD
#
# 优化器做的事情其实很简单：`with torch.no_grad(): p -= lr * p.grad`。自己实现一个，并与 `optim.SGD`
# 对比，两者应该给出完全相同的参数。

# %%
class MySGD:
    def __init__(self, params, lr):
        self.params, self.lr = list(params), lr

    def zero_grad(self):
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self):
        for p in self.params:
            p.sub_(self.lr * p.grad)


results = []
for opt_cls in (MySGD, torch.optim.SGD):
    torch.manual_seed(1)
    model = torch.nn.Linear(1, 1)
    opt = opt_cls(model.parameters(), lr=0.01)
    for _ in range(50):
        opt.zero_grad()
        torch.nn.functional.mse_loss(model(x_train), y_train).backward()
        opt.step()
    results.append((model.weight.item(), model.bias.item()))
print(results[0] == results[1], results[0])

# %% [markdown]
# ## 12. 小结
#
# * 梯度下降：$w \leftarrow w - \alpha\,\partial \text{cost}/\partial w$；学习率太大会越过最低点甚至发散。
# * 更新参数时不要让更新进入计算图：今天写 `with torch.no_grad(): w -= lr * w.grad`，笔记的 `.data` 是旧写法。
# * 训练循环四步：前向 `model(x)`（经过 `__call__`，不要直接调 `forward`）→ 损失 → `zero_grad()` 清梯度
#   + `backward()` → `step()`。
# * MSE 对大误差惩罚重，L1 对离群点更稳；看模型好不好要看留出的验证集。

# %% [markdown]
# ## 13. 练习
#
# 1. 把手动更新的学习率从 0.01 改成 0.3，会发生什么？为什么？
# 2. 在第 5 节的模型上，把 `SGD` 换成 `Adam(lr=0.1)`，要多少轮才能让损失小于 1e-6？
# 3. 笔记在更新时写 `w.data = w.data - 0.01 * w.grad.data`，注释说这样“不会构建计算图”。
#    用 `w = w - 0.01 * w.grad`（不加 `no_grad`）更新 3 次，数一数 `w.grad_fn` 往回有几层；
#    再用 `with torch.no_grad(): w -= 0.01 * w.grad` 更新，看 `w` 是否还是叶子。
# 4. **改坏一行**：把 `sgd_update` 里的 `p.sub_(_to_scalar(group["lr"]) * g)` 改成 `p.add_(...)`，
#    用 `exec` 得到坏掉的 `sgd_update`，临时换进 `teachtorch/optim/sgd.py`，在
#    `torch.reference_mode()` 里走一步，和手算的 $w - \alpha\,\text{grad}$ 比较。

# %% answer 练习 1～2
w = torch.tensor([1.0], requires_grad=True)
for epoch in range(5):
    for x, y in zip(x_train.view(-1).tolist(), y_train.view(-1).tolist()):
        cost = (w * x - y) ** 2
        cost.backward()
        w.data = w.data - 0.3 * w.grad.data
        w.grad.data.zero_()
    print(epoch, w.item())  # x=3 时每步乘以 1-2*0.3*9=-4.4：越过最低点并发散
torch.manual_seed(0)
model = torch.nn.Linear(1, 1)
opt = torch.optim.Adam(model.parameters(), lr=0.1)
for epoch in range(5000):
    opt.zero_grad()
    l = torch.nn.functional.mse_loss(model(x_train), y_train)
    if l.item() < 1e-6:
        break
    l.backward()
    opt.step()
print("Adam epochs:", epoch)

# %% answer 练习 3
w = torch.tensor([1.0], requires_grad=True)
for _ in range(3):
    w.retain_grad()
    ((w * 2 - 4) ** 2).sum().backward()
    w = w - 0.01 * w.grad
depth, node = 0, w.grad_fn
while node is not None and node.next_functions:
    depth += 1
    node = node.next_functions[0][0]
print("不加 no_grad：", w.is_leaf, "往回", depth, "层")  # 每次更新都接在旧图后面
w = torch.tensor([1.0], requires_grad=True)
for _ in range(3):
    ((w * 2 - 4) ** 2).sum().backward()
    with torch.no_grad():
        w -= 0.01 * w.grad
    w.grad.zero_()
print("加 no_grad：", w.is_leaf, w.grad_fn)

# %% answer 练习 4
source = inspect.getsource(sgd.sgd_update)
broken = source.replace('p.sub_(_to_scalar(group["lr"]) * g)', 'p.add_(_to_scalar(group["lr"]) * g)')
assert broken != source
namespace = dict(vars(sgd))
exec(broken, namespace)


def one_step(update):
    original = sgd.sgd_update
    sgd.sgd_update = update  # 临时换掉
    try:
        torch.manual_seed(0)
        model = torch.nn.Linear(1, 1)
        before = model.weight.item()
        opt = torch.optim.SGD(model.parameters(), lr=0.01)
        torch.nn.functional.mse_loss(model(x_train), y_train).backward()
        expected = before - 0.01 * model.weight.grad.item()
        with torch.reference_mode():
            opt.step()
    finally:
        sgd.sgd_update = original  # 一定要换回来
    return model.weight.item(), expected


for label, update in (("原来的", sgd.sgd_update), ("改坏的", namespace["sgd_update"])):
    w, expected = one_step(update)
    print(f"{label} step 后 w={w:.5f}  手算 {expected:.5f}")
