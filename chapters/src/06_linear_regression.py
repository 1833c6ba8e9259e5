# %% [markdown]
# # 第 6 章　梯度下降与线性回归
#
# **本章教什么**：用梯度下降拟合 $y = 2x$：先手动更新 `w.data`，再用 `nn.Linear` +
# `MSELoss` + `optim.SGD`；最后比较课程中出现的各种优化器。
#
# **对应笔记**：`002_0b1e019c38618b4a.txt`（梯度下降算法、线性回归 代码示例、
# Logistic回归 代码示例1 和 代码示例2）、`000_31b0c36760745ae4.txt`（6. 优化器、损失函数+优化器）。

# %%
import teachtorch as torch

torch.manual_seed(0)

# %% [markdown]
# ## 1. 手动更新 `w.data`
#
# 笔记 002 的第一段代码，原样运行（只把 `import torch` 换成 `import teachtorch as torch`）。
# 两个要点：每次 `backward` 之后计算图就被释放；更新参数时要用 `.data`，
# 否则更新本身也会被记进计算图，图越来越大。它打印 100 行，我们先把输出收起来，只看最后几行。

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

# %% [markdown]
# ## 2. 试一试：不用 `.data` 更新会怎样？
#
# 如果写 `w = w - 0.01 * w.grad`，新的 `w` 不再是叶子节点（它有 `grad_fn`），
# 下一次 `backward` 后它的 `.grad` 是 `None`，再用就出错。

# %%
w = torch.tensor([1.0], requires_grad=True)
cost = loss(1, 2, w)
cost.backward()
w = w - 0.01 * w.grad
print(w.is_leaf, w.grad_fn)
cost = loss(2, 4, w)
cost.backward()
print(w.grad)
try:
    w.grad.data.zero_()
except AttributeError as err:
    print("AttributeError:", err)

# %% [markdown]
# ## 3. 用 `nn.Linear`、`MSELoss` 与 `SGD`
#
# 笔记 002 代码示例 2。原程序训练 10000 轮，每轮打印一次损失；同样先收起输出。

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

    optimizer.zero_grad() # 清空之前的动量
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

# %% [markdown]
# ## 4. 比较各种优化器
#
# 课程里用同一个线性回归比较了多种优化器。下面每个优化器训练 200 步，打印最后的损失。
# 注意 `Adam`、`RMSprop` 这类自适应方法和 `SGD` 的收敛速度差别。

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
# ## 5. 参数组：不同的层用不同的学习率
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
# ## 6. 小项目：自己写一个 SGD
#
# 优化器做的事情其实很简单：`p.data -= lr * p.grad`。自己实现一个，并与 `optim.SGD`
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
# ## 7. 练习
#
# 1. 把手动更新的学习率从 0.01 改成 0.3，会发生什么？为什么？
# 2. 在第 3 节的模型上，把 `SGD` 换成 `Adam(lr=0.1)`，要多少轮才能让损失小于 1e-6？
# 3. 为什么笔记说"更新参数时一定记得要转换成标量后再去计算"？

# %% answer
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
