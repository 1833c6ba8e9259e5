# %% [markdown]
# # 第 7 章　逻辑回归与糖尿病数据集
#
# **本章教什么**：把线性模型的输出送进 sigmoid，得到“属于正类的概率”；用二分类交叉熵
# `BCELoss` 训练；然后在真实的糖尿病数据（759 个病人，8 个特征）上训练 8-6-4-1 的网络，
# 先用整批数据，再用 `Dataset` + `DataLoader` 的小批量，并在留出的验证集上看准确率和训练曲线。
#
# **直觉与公式**：线性回归的输出 $z = wx + b$ 可以是任何实数，而分类要的是概率。sigmoid 把实数压进 (0, 1)：
#
# $$\sigma(z) = \frac{1}{1 + e^{-z}}, \qquad \hat y = \sigma(wx + b) = P(y = 1 \mid x).$$
#
# 概率的好坏用二分类交叉熵（BCE）衡量，它是“正确标签的概率”的负对数：
#
# $$\text{BCE}(\hat y, y) = -\big[y \log \hat y + (1 - y) \log(1 - \hat y)\big].$$
#
# $y = 1$ 时只剩 $-\log \hat y$：$\hat y$ 越接近 1 损失越小，接近 0 时趋于无穷。
# 两者合在一起，对 $z$ 的导数非常简单：$\partial\, \text{BCE}/\partial z = \hat y - y$。
#
# **对应笔记**：`002_0b1e019c38618b4a.txt`（Logistic回归、代码示例3、加载数据集）。
# 数据文件 `diabetes.csv.gz` 随课程一起提供（见 `assets/DATA.md`）。

# %%
import inspect

import numpy as np

import teachtorch as torch
import teachtorch.nn.functional as F
from teachtorch import data_files
from teachtorch.utils.data import DataLoader, Dataset, Subset, random_split
from teachtorch.widgets import TrainingMonitor

torch.manual_seed(0)
FAST = True  # 测试时只训练较少的轮数；改成 False 可看完整训练

# %% [markdown]
# ## 1. sigmoid 与 BCE：先算几个数
#
# $\sigma(0) = 0.5$；$z$ 很大时接近 1，很小时接近 0。标签是 1 时，预测 0.9 的损失是 $-\log 0.9 \approx 0.105$，
# 预测 0.1 的损失是 $-\log 0.1 \approx 2.303$。最后验证 $\partial\, \text{BCE}/\partial z = \hat y - y$：

# %%
z = torch.tensor([-4.0, 0.0, 4.0], requires_grad=True)
y_hat = torch.sigmoid(z)
print(y_hat)
print(F.binary_cross_entropy(torch.tensor([0.9, 0.1]), torch.tensor([1.0, 1.0]), reduction="none"))
y = torch.tensor([1.0, 1.0, 0.0])
F.binary_cross_entropy(y_hat, y, reduction="sum").backward()
print(z.grad, (y_hat - y).detach())

# %% [markdown]
# ## 2. 逻辑回归
#
# 课程里的写法：在 `__init__` 里创建 `Linear(1, 1)`，在 `forward` 里用 sigmoid 激活。
# 笔记建议写成 `self.activate = torch.nn.Sigmoid()`，以后换激活函数只需改一行。

# %%
x_data = torch.Tensor([[1.0], [2.0], [3.0]])
y_data = torch.Tensor([[0], [0], [1]])


class LogisticRegressionModel(torch.nn.Module):
    def __init__(self):
        super(LogisticRegressionModel, self).__init__()
        self.linear = torch.nn.Linear(1, 1)
        self.activate = torch.nn.Sigmoid()

    def forward(self, x):
        return self.activate(self.linear(x))


model = LogisticRegressionModel()
criterion = torch.nn.BCELoss(reduction="sum")
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
for epoch in range(1000):
    y_pred = model(x_data)
    loss = criterion(y_pred, y_data)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if epoch % 200 == 0:
        print(epoch, round(loss.item(), 4))

x_test = torch.linspace(0, 10, 6).view(6, 1)
print(model(x_test).detach().view(-1))

# %% [markdown]
# 学习时长（x）越大，“通过”的概率越高；概率 0.5 的分界点在 x≈2.5 附近（更多轮训练后更清楚）。
# 笔记里写的 `size_average=False` 是旧参数，今天写作 `reduction='sum'`。

# %% [markdown]
# ## 3. 试一试：BCELoss 的输入必须是概率
#
# `BCELoss` 要求输入在 [0, 1] 之间（sigmoid 之后）。直接把线性输出送进去会报错；
# 想省掉 sigmoid，请用数值更稳定的 `BCEWithLogitsLoss`。

# %%
logits = torch.tensor([[2.5], [-1.0]])
target = torch.tensor([[1.0], [0.0]])
try:
    torch.nn.BCELoss()(logits, target)
except RuntimeError as err:
    print(err)
print(torch.nn.BCEWithLogitsLoss()(logits, target))
print(torch.nn.BCELoss()(torch.sigmoid(logits), target))

# %% [markdown]
# ## 4. 糖尿病数据
#
# 每行 9 个数：8 个特征（已缩放到 [-1, 1]），最后一列是 0/1 标签。
# 笔记提醒：神经网络里一般用 32 位浮点数，所以读入时指定 `dtype=np.float32`。

# %%
path = data_files.path("diabetes/diabetes.csv.gz")
xy = np.loadtxt(path, delimiter=",", dtype=np.float32)
x_data = torch.from_numpy(xy[:, :-1])
y_data = torch.from_numpy(xy[:, [-1]])
print(x_data.shape, y_data.shape, f"标签为 1 的比例 {100 * y_data.mean().item():.1f}%")

# %% [markdown]
# 标签是什么意思？这个文件来自 Pima 印第安人糖尿病数据（特征依次是：怀孕次数、血糖、血压、皮褶厚度、
# 胰岛素、BMI、糖尿病家族函数、年龄）。按标签分组比较特征的平均值：

# %%
names = ["怀孕次数", "血糖", "血压", "皮褶厚度", "胰岛素", "BMI", "家族函数", "年龄"]
for label in (0, 1):
    rows = x_data[y_data.view(-1) == label]
    print(label, len(rows), " ".join(f"{n}{v:+.2f}" for n, v in zip(names, rows.mean(dim=0).tolist())))

# %% [markdown]
# 标签 1 是多数类（约 65%），而且这一组的平均血糖、年龄、怀孕次数都**更低**。原始数据里约 65% 的人
# **没有**患糖尿病，患病者血糖更高、年龄更大：所以在这个文件里，标签 1 对应“未患病”，0 对应“患病”，
# 和原始数据的编码正好相反。模型学的是同一件事，只是“正类”换了一边；读准确率时要记住，
# 全部猜 1 就已经有约 65% 的准确率。
#
# 为了知道模型对**没见过**的病人表现如何，用 `random_split` 按固定的种子留出 159 人做验证集，
# 只在其余 600 人上训练：

# %%
train_idx, val_idx = random_split(range(len(xy)), [600, 159],
                                  generator=torch.Generator().manual_seed(0))
x_train, y_train = x_data[list(train_idx)], y_data[list(train_idx)]
x_val, y_val = x_data[list(val_idx)], y_data[list(val_idx)]
print(x_train.shape, x_val.shape)

# %% [markdown]
# ## 5. 整批训练
#
# 笔记的 8-6-4-1 网络，每层后面都是 sigmoid；每轮用全部 600 个训练样本算一次梯度、更新一次。

# %%

class Model(torch.nn.Module):
    def __init__(self):
        super(Model, self).__init__()
        self.linear1 = torch.nn.Linear(8, 6)
        self.linear2 = torch.nn.Linear(6, 4)
        self.linear3 = torch.nn.Linear(4, 1)
        self.sigmoid = torch.nn.Sigmoid()

    def forward(self, x):
        x = self.sigmoid(self.linear1(x))
        x = self.sigmoid(self.linear2(x))
        x = self.sigmoid(self.linear3(x))
        return x


torch.manual_seed(0)
model = Model()
criterion = torch.nn.BCELoss(reduction="mean")
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
for epoch in range(2000 if FAST else 10000):
    y_pred = model(x_train)
    loss = criterion(y_pred, y_train)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if epoch % 500 == 0:
        print(epoch, round(loss.item(), 4))


def accuracy(model, x, y):
    """预测概率大于 0.5 判为 1，返回判对的百分比。"""
    with torch.no_grad():
        return 100 * ((model(x) > 0.5).float() == y).float().mean().item()


def report(model):
    print(f"训练集准确率 {accuracy(model, x_train, y_train):.1f}%，"
          f"验证集准确率 {accuracy(model, x_val, y_val):.1f}%，"
          f"验证集上全猜 1 的准确率 {100 * y_val.mean().item():.1f}%")


report(model)

# %% [markdown]
# 损失几乎不动，准确率恰好等于“全部判为 1”（多数类）的比例：三层 sigmoid 网络
# 用 SGD(lr=0.1) 学得很慢，前几千轮都停在这个平台上。换成自适应学习率的 Adam 试试：

# %%
torch.manual_seed(0)
model = Model()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
for epoch in range(1000):
    loss = criterion(model(x_train), y_train)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if epoch % 250 == 0:
        print(epoch, round(loss.item(), 4))
report(model)

# %% [markdown]
# Adam 学到了东西：验证集准确率明显高于“全猜 1”。训练集和验证集准确率之间的差距，
# 就是模型在训练集上学到、却没有推广到新病人的那一部分。

# %% [markdown]
# ## 6. Dataset 与 DataLoader：小批量与训练曲线
#
# 笔记 002“加载数据集”：继承 `Dataset`，实现 `__getitem__` 和 `__len__`；
# `DataLoader` 负责打乱、分批，`num_workers` 是读取数据的进程数。
#
# 笔记还说：在 Windows 上用多进程时，训练代码要放在 `if __name__ == '__main__':` 里。这是对 **.py 脚本**说的：
# Windows 和 macOS 默认用 spawn 方式启动子进程，子进程会重新导入主脚本，没有这个判断就会再启动训练。
# 在 notebook 里，`__name__` 永远是 `'__main__'`，加这一行什么也不改变；而且在 spawn 平台上，
# **在 notebook 里定义的** Dataset 类根本传不到子进程（子进程导入不了 notebook），
# 要么把 Dataset 写进一个 .py 文件再 import，要么用 `num_workers=0`。
# Linux 默认用 fork，子进程直接继承内存，所以下面的 `num_workers=2` 能在这里运行。
#
# 每轮结束时在验证集上算准确率，用 `TrainingMonitor` 画出训练损失和两条准确率曲线（循环结束后显示）。

# %%
class DiabetesDataset(Dataset):
    def __init__(self, filepath):
        xy = np.loadtxt(filepath, delimiter=",", dtype=np.float32)
        self.len = xy.shape[0]
        self.x_data = torch.from_numpy(xy[:, :-1])
        self.y_data = torch.from_numpy(xy[:, [-1]])

    def __getitem__(self, index):
        return self.x_data[index], self.y_data[index]

    def __len__(self):
        return self.len


dataset = DiabetesDataset(path)
train_set = Subset(dataset, list(train_idx))
train_loader = DataLoader(dataset=train_set, batch_size=32, shuffle=True, num_workers=2)

torch.manual_seed(0)
model = Model()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
epochs = 30 if FAST else 100
monitor = TrainingMonitor(total=epochs, title="BCE loss")
for epoch in range(epochs):
    for i, data in enumerate(train_loader, 0):
        inputs, labels = data
        y_pred = model(inputs)
        loss = criterion(y_pred, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        train_loss = criterion(model(x_train), y_train).item()
    monitor.log(loss=train_loss, acc_train=accuracy(model, x_train, y_train),
                acc_val=accuracy(model, x_val, y_val))
print("batches per epoch:", len(train_loader))
report(model)
monitor

# %%
last = monitor.state["last"]
print(f"最后一轮：loss {last['loss']:.4f}，训练 {last['acc_train']:.1f}%，验证 {last['acc_val']:.1f}%")
assert monitor.state["n"] == epochs and monitor.state["error"] is None

# %% [markdown]
# 同样的数据，小批量每轮更新 19 次参数，而整批每轮只更新 1 次：30 轮就有 570 次更新。
# 每个小批量只看到 32 个样本，梯度有噪声、但每次更新便宜得多。
# 小批量**能不能**防止过拟合，要看验证集：训练准确率和验证准确率接近，说明还没有过拟合；
# 如果训练准确率一路上升而验证准确率下降，就是过拟合了。只看训练集的准确率是下不了这个结论的。

# %% [markdown]
# ## 7. 打开源码：BCE 与 sigmoid
#
# `F.binary_cross_entropy` 在 `teachtorch/nn/_loss_functions.py` 里检查形状，然后调用
# `teachtorch/ops/loss.py` 的 `binary_cross_entropy`：它检查 $\hat y$ 在 $[0, 1]$ 里，默认交给快速内核
# （`teachtorch/ops/_kernels/loss.py`），在 `with torch.reference_mode():` 里交给参考实现
# `binary_cross_entropy_reference`。参考实现就是公式本身，用张量运算写成：和 PyTorch 一样，
# $\log$ 被截断在 $-100$，所以 $\hat y = 0$ 时损失是有限的 100。它没有手写 `backward`：
# autograd 沿着这几步运算求出 $\partial\, \text{BCE}/\partial \hat y = (\hat y - y)/\big(\hat y(1-\hat y)\big)$
# （取平均时再除以 $N$）。下面先读源码，再核对这个导数。

# %%
from teachtorch.ops import loss as loss_ops
from teachtorch.ops.activations import sigmoid_tanh_relu as activation

print(inspect.getsource(loss_ops.binary_cross_entropy_reference))
print(inspect.getsource(loss_ops._log_at_least_minus_100))

# %%
p_hat = torch.tensor([0.2, 0.7, 0.9], dtype=torch.float64, requires_grad=True)
label = torch.tensor([0.0, 1.0, 1.0], dtype=torch.float64)
with torch.reference_mode():
    loss_ref = F.binary_cross_entropy(p_hat, label)
loss_ref.backward()
print(loss_ref.item(), F.binary_cross_entropy(p_hat, label).item())  # 参考实现与快速内核：同一个数
q = p_hat.detach()
print(p_hat.grad, (q - label) / (q * (1 - q)) / 3)  # autograd 的结果 = 公式

# %% [markdown]
# sigmoid 的导数是 $\sigma'(z) = \sigma(z)(1 - \sigma(z))$，只用到输出，所以 `Sigmoid` 保存的是输出 `y`。
# 两者相乘：$\frac{\hat y - y}{\hat y(1-\hat y)}\cdot \hat y(1-\hat y) = \hat y - y$，正是第 1 节验证的结果。

# %%
print(inspect.getsource(activation.Sigmoid))

# %% [markdown]
# ## 8. 小项目：决策边界在哪里？
#
# 对第 2 节的逻辑回归模型，解方程 $\sigma(wx+b)=0.5$，即 $x = -b/w$，
# 并用模型验证这一点的输出确实是 0.5。

# %%
torch.manual_seed(0)
lr_model = LogisticRegressionModel()
opt = torch.optim.SGD(lr_model.parameters(), lr=0.1)
xs, ys = torch.Tensor([[1.0], [2.0], [3.0]]), torch.Tensor([[0], [0], [1]])
for _ in range(3000):
    opt.zero_grad()
    F.binary_cross_entropy(lr_model(xs), ys).backward()
    opt.step()
w, b = lr_model.linear.weight.item(), lr_model.linear.bias.item()
boundary = -b / w
print(round(boundary, 3), round(lr_model(torch.tensor([[boundary]])).item(), 4))

# %% [markdown]
# ## 9. 小结
#
# * 逻辑回归 = 线性层 + sigmoid：$\hat y = \sigma(wx + b)$ 是 $P(y=1\mid x)$；
#   损失用 BCE $-[y\log\hat y + (1-y)\log(1-\hat y)]$，合起来对 $z$ 的梯度是 $\hat y - y$。
# * `BCELoss` 要概率（sigmoid 之后）；直接用线性输出时用数值更稳定的 `BCEWithLogitsLoss`。
# * 这个糖尿病文件里标签 1 是多数类（约 65%，对应原始数据的“未患病”）：准确率要和“全猜 1”比。
# * 模型好不好看留出的验证集；小批量每轮更新多次，是否过拟合要比较训练和验证的曲线。
# * `if __name__ == '__main__':` 是写给 .py 脚本的；在 notebook 里用多进程加载数据，spawn 平台上
#   Dataset 要定义在 .py 文件里。

# %% [markdown]
# ## 10. 练习
#
# 1. 把糖尿病网络的前两个激活函数从 Sigmoid 换成 ReLU（最后一层仍用 Sigmoid），用 Adam 整批训练，
#    验证集准确率有何变化？
# 2. 为什么 `y_data = torch.from_numpy(xy[:, [-1]])` 用 `[-1]` 而不是 `-1`？
# 3. 把 `DataLoader` 的 `batch_size` 改成 600（整个训练集），和第 5 节的整批训练有何区别？
# 4. **改坏一行**：把 `binary_cross_entropy_reference` 里 `(1 - y) * _log_at_least_minus_100(1 - p)` 的
#    `1 - p` 改成 `p`，用 `exec` 得到坏掉的函数，和快速内核 `F.binary_cross_entropy` 做对照（parity check）：
#    损失和梯度还对得上吗？为什么 `gradcheck` 在这里查不出错？

# %% answer 练习 1
class ReLUModel(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linear1 = torch.nn.Linear(8, 6)
        self.linear2 = torch.nn.Linear(6, 4)
        self.linear3 = torch.nn.Linear(4, 1)

    def forward(self, x):
        x = torch.relu(self.linear1(x))
        x = torch.relu(self.linear2(x))
        return torch.sigmoid(self.linear3(x))


for cls in (Model, ReLUModel):
    torch.manual_seed(0)
    net = cls()
    opt = torch.optim.Adam(net.parameters(), lr=0.01)
    for epoch in range(1000):
        opt.zero_grad()
        criterion(net(x_train), y_train).backward()
        opt.step()
    print(cls.__name__, end=": ")
    report(net)
# 同样 1000 步，ReLU 网络的训练准确率略低、验证准确率略高：sigmoid 网络把训练集拟合得更多，
# 与验证集的差距也更大（有一点过拟合）。ReLU 的导数在正半轴是 1，深网络里不像 sigmoid
# 那样每层至少把梯度缩小 4 倍；但在这个 8-6-4-1 的小网络上，选哪个要看验证集。

# %% answer 练习 2～3
print(xy[:, [-1]].shape, xy[:, -1].shape)  # [-1] 保留第二维：(759, 1) 与模型输出 (N, 1) 一致
full = DataLoader(train_set, batch_size=600, shuffle=False)
print(len(full))  # 一个 batch：每轮更新一次，和整批训练相同（shuffle=True 时只是顺序不同）

# %% answer 练习 4
source = inspect.getsource(loss_ops.binary_cross_entropy_reference)
broken = source.replace("(1 - y) * _log_at_least_minus_100(1 - p)",
                        "(1 - y) * _log_at_least_minus_100(p)")
assert broken != source
namespace = dict(vars(loss_ops))
exec(broken, namespace)
broken_bce = namespace["binary_cross_entropy_reference"]
p = torch.tensor([0.2, 0.7, 0.9], dtype=torch.float64, requires_grad=True)
y = torch.tensor([0.0, 1.0, 1.0], dtype=torch.float64)
for label, fn in (("参考实现", loss_ops.binary_cross_entropy_reference), ("改坏的", broken_bce)):
    got = fn(p, y)
    want = F.binary_cross_entropy(p, y)  # 快速内核
    g_got, = torch.autograd.grad(got, p)
    g_want, = torch.autograd.grad(want, p)
    print(label, "损失一致:", torch.allclose(got, want), " 梯度一致:", torch.allclose(g_got, g_want))
# gradcheck 只比较“解析梯度”和“数值梯度”：改坏的函数由张量运算组成，autograd 对它求的梯度
# 仍然和它自己的数值导数一致，所以 gradcheck 通过；错在公式本身，要和另一份实现对照才看得出来。
print(torch.autograd.gradcheck(lambda p: broken_bce(p, y), (p,)))
