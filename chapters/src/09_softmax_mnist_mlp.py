# %% [markdown]
# # 第 9 章　softmax、交叉熵与 MNIST 全连接网络
#
# **本章教什么**：多分类时，网络输出 10 个“分数”（logits）；softmax 把它们变成概率；
# `CrossEntropyLoss` = `log_softmax` + `NLLLoss`，所以网络最后一层**不要**再加激活。
# 然后在真实的 MNIST 手写数字上训练笔记中的 784-512-256-128-64-10 网络。
#
# **对应笔记**：`002_0b1e019c38618b4a.txt`（多分类问题、代码示例）、
# `000_31b0c36760745ae4.txt`（5. 交叉熵损失函数、2. 数据集加载、3. torch.max()）。
#
# 数据说明：离线环境里只有 MNIST 的 t10k（10000 张测试集图片）。本章用固定种子把它分成
# 8000 张训练、2000 张测试（`teachtorch.vision.datasets.mnist_t10k_split`）。

# %%
import teachtorch as torch
import teachtorch.nn.functional as F
import teachtorch.vision as torchvision
from teachtorch.utils.data import DataLoader
from teachtorch.vision.datasets import mnist_t10k_split
from teachtorch.widgets import SourceView, TrainingMonitor
import inspect
import matplotlib.pyplot as plt
import numpy as np

torch.manual_seed(0)  # 之后所有随机数（randn、打乱、初始化）都由它决定
FAST = True  # 测试时训练 2 轮；改成 False 训练笔记中的 10 轮

# %% [markdown]
# ## 1. softmax：从分数到概率
#
# 直觉：网络对一张图片给出 10 个分数 $z_0,\dots,z_9$，分数越大越像那个数字。我们想要的是
# 10 个**概率**：都是正数、加起来等于 1、保持分数的大小顺序。取指数让它们变成正数，再除以总和：
#
# $$\mathrm{softmax}(z)_i = \frac{e^{z_i}}{\sum_j e^{z_j}}$$
#
# 直接这样算，遇到大数会溢出；实际实现先减去最大值 $m=\max_j z_j$（分子分母同乘 $e^{-m}$，
# 结果不变）。teachtorch 里两种写法都有：`softmax_naive` 是按公式写的，
# `F.softmax` 是数值稳定的版本。

# %%
from teachtorch.ops.softmax import softmax_naive

z = torch.tensor([[2.0, 1.0, 0.1]])
print(F.softmax(z, dim=1))
print(softmax_naive(z, dim=1))
big = torch.tensor([[1000.0, 999.0, 998.0]])
print(F.softmax(big, dim=1))
print(softmax_naive(big, dim=1))  # e^1000 溢出：inf/inf = nan

# %% [markdown]
# 打开稳定版本的源码（`teachtorch/ops/softmax.py` 的参考实现）：`LogSoftmaxReference.forward`
# 先用 `_max_along` 减去最大值 $m$，再算 $\log\mathrm{softmax}(z)_i = z_i - m - \log\sum_j e^{z_j - m}$；
# `backward` 交给只有一行的 `log_softmax_backward`：$\partial L/\partial z = g - \mathrm{softmax}(z)\sum_i g_i$。
# 默认运行的是 `teachtorch/ops/_kernels/softmax.py` 里的快速内核，算的是同一个公式。

# %%
from teachtorch.ops.softmax import LogSoftmaxReference, log_softmax_backward

softmax_ops = inspect.getmodule(LogSoftmaxReference)  # teachtorch/ops/softmax.py
SourceView(LogSoftmaxReference)

# %%
SourceView(log_softmax_backward)

# %% [markdown]
# 在 `with torch.reference_mode():` 里，`F.log_softmax` 走的就是上面的参考实现；结果和默认的快速内核相同
# （差别只在浮点舍入），梯度也一样。

# %%
z_demo = torch.tensor([[2.0, 1.0, 0.1], [1000.0, 999.0, 998.0]], requires_grad=True)
fast_logp = F.log_softmax(z_demo, dim=1)
with torch.reference_mode():
    reference_logp = F.log_softmax(z_demo, dim=1)
print(reference_logp)
print(torch.allclose(fast_logp, reference_logp))
g_fast, = torch.autograd.grad(fast_logp[:, 0].sum(), z_demo)
g_reference, = torch.autograd.grad(reference_logp[:, 0].sum(), z_demo)
print(torch.allclose(g_fast, g_reference))

# %% [markdown]
# ## 2. 交叉熵 = log_softmax + NLLLoss
#
# 直觉：正确类别 $y$ 的概率 $p_y$ 越接近 1 越好。把“越大越好”的概率变成“越小越好”的损失，
# 取负对数：
#
# $$\text{CE}(z, y) = -\log p_y = -\log\frac{e^{z_y}}{\sum_j e^{z_j}}
#   = -z_y + \log\sum_j e^{z_j}$$
#
# $p_y = 1$ 时损失为 0；$p_y \to 0$ 时损失趋于无穷。对分数求导得到一个很干净的式子：
# $\partial\,\text{CE}/\partial z_i = p_i - [i = y]$，即 “softmax 减 one-hot”。
# 先用一个样本手算：

# %%
z = torch.tensor([[2.0, 1.0, 0.1]], requires_grad=True)
y = torch.tensor([0])
p = F.softmax(z, dim=1)
print("p =", p)
print(f"-log p_y = {-p[0, 0].log().item():.4f}")
loss = F.cross_entropy(z, y)
print(f"cross_entropy = {loss.item():.4f}")
loss.backward()
print("grad =", z.grad, " p - onehot =", p - torch.tensor([[1.0, 0.0, 0.0]]))

# %% [markdown]
# 一批 $N$ 个样本时，`reduction="mean"` 取平均：$\frac1N\sum_n -\log p_{n, y_n}$。
# PyTorch 把它拆成两步：`log_softmax` 算出 $\log p$，`NLLLoss`（负对数似然）挑出正确类别那一项、
# 取负号、求平均。笔记 000 的例子：3 个样本、2 个类别，标签必须是 LongTensor（int64 类下标）。

# %%
# batch_size=3，计算对应每个类别的分数（只有两个类别）
score = torch.randn(3, 2)
# 三个样本分别属于1，0，1类，label必须是LongTensor
label = torch.Tensor([1, 0, 1]).long()
# loss与普通的layer无差异
criterion = torch.nn.CrossEntropyLoss()
loss = criterion(score, label)
print(loss)
print(F.nll_loss(F.log_softmax(score, dim=1), label))
print(-F.log_softmax(score, dim=1)[torch.arange(3), label].mean())

# %% [markdown]
# 打开 `F.cross_entropy`：`teachtorch/nn/_loss_functions.py` 检查输入和目标，然后交给
# `teachtorch/ops/loss.py` 的 `cross_entropy`：类别维上的 `log_softmax`，然后 `nll_loss`（挑出 $-\log p_y$，
# 参考实现是 `nll_loss_reference` 里的一次 `gather`）；`label_smoothing` 是额外的分支。
# 小部件的 "version" 按钮可以在实际运行的代码和参考实现之间切换。

# %%
SourceView(F.cross_entropy, reference=True)

# %%
from teachtorch.ops import loss as loss_ops

SourceView(loss_ops.nll_loss_reference)

# %% [markdown]
# 笔记 001 的例子（`random_` 随机生成类下标），并反向传播：

# %%
# Example of target with class indices
loss = torch.nn.CrossEntropyLoss()
input = torch.randn(3, 5, requires_grad=True)
target = torch.empty(3, dtype=torch.long).random_(5)
output = loss(input, target)
output.backward() #执行此方法会计算模型权重的梯度
print(output, input.grad.sum(dim=1))  # 每行梯度之和为 0：softmax - onehot

# %% [markdown]
# ## 3. 试一试：标签的类型与形状
#
# 最常见的错误：标签用了 float，或者形状是 (N, 1)。读一读提示。

# %%
try:
    criterion(score, torch.tensor([1.0, 0.0, 1.0]))
except RuntimeError as err:
    print(err)
try:
    criterion(score, torch.tensor([[1], [0], [1]]))
except RuntimeError as err:
    print(err)

# %% [markdown]
# ## 4. 准备数据
#
# `ToTensor` 把 PIL 图像（28×28，取值 0–255）变成 (1, 28, 28) 的 float 张量（0–1）；
# `Normalize(0.1307, 0.3081)` 用整个 MNIST 的均值和标准差做标准化。

# %%
batch_size = 64

# 依次执行其中的transform
transform = torchvision.transforms.Compose([
    torchvision.transforms.ToTensor(),
    torchvision.transforms.Normalize(0.1307, 0.3081)
])

x_train = mnist_t10k_split(train=True, transform=transform)
train_loader = DataLoader(x_train, shuffle=True, batch_size=batch_size)

x_test = mnist_t10k_split(train=False, transform=transform)
test_loader = DataLoader(x_test, shuffle=False, batch_size=batch_size)

image, label = x_train[0]
print(len(x_train), len(x_test), image.shape, label)

# %% [markdown]
# ## 5. 网络：笔记原文

# %%
class MyModule(torch.nn.Module):
    def __init__(self):
        super(MyModule, self).__init__()
        self.l1 = torch.nn.Linear(784, 512)
        self.l2 = torch.nn.Linear(512, 256)
        self.l3 = torch.nn.Linear(256, 128)
        self.l4 = torch.nn.Linear(128, 64)
        self.l5 = torch.nn.Linear(64, 10)
        self.activate = torch.nn.ReLU()

    def forward(self, x):
        # 类似于np.array的reshape，-1表示根据其他维数来推算这一维
        x = x.view(-1, 784)
        x = self.activate(self.l1(x))
        x = self.activate(self.l2(x))
        x = self.activate(self.l3(x))
        x = self.activate(self.l4(x))
        # 使用的损失函数是CrossEntropyLoss，因此最后一步不要激活
        x = self.l5(x)
        return x


model = MyModule()
print(model)
print(sum(p.numel() for p in model.parameters()), "parameters")

# %% [markdown]
# ## 6. 训练与测试：笔记原文
#
# `torch.max(y_pred.data, dim=1)` 返回每行的 (最大值, 下标)，下标就是预测的类别。
#
# 在笔记的 `train()` 里加了两行：每 25 个 batch 记一次当前 batch 的损失和**留出的** 2000 张
# 测试图片上的准确率（`evaluate`），`TrainingMonitor` 在循环结束后画出两条曲线。

# %%
def evaluate():
    """留出集上的准确率（0～1 之间的小数，和笔记的 test() 打印的一样）。"""
    correct = 0
    with torch.no_grad():
        for inputs, labels in test_loader:
            correct += (model(inputs).argmax(dim=1) == labels).sum().item()
    return correct / len(x_test)


monitor = TrainingMonitor(total=(2 if FAST else 10) * len(train_loader) // 25,
                          title="CE loss")

# %%
criterion = torch.nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)


def train():
    cost_total = 0
    for i, data in enumerate(train_loader):
        inputs, labels = data

        y_pred = model(inputs)

        cost = criterion(y_pred, labels)
        cost_total += cost.item()

        optimizer.zero_grad()
        cost.backward()
        optimizer.step()
        if i % 25 == 24:  # 新加：记录曲线
            monitor.log(loss=cost.item(), acc_test=evaluate())

    return cost_total


def test():
    correct = 0
    total = 0

    with torch.no_grad():
        for i, data in enumerate(test_loader):
            inputs, labels = data

            y_pred = model(inputs)
            _, outputs = torch.max(y_pred.data, dim=1)

            # np.array用shape看各维度的维数，torch.Tensor用size看各维度的维数
            total += labels.size(0)
            correct += (outputs == labels).sum().item()

    print("test accuracy:", correct / total)


if __name__ == "__main__":
    for epoch in range(2 if FAST else 10):
        train()
        test() # 最终的准确率大致是96%
monitor

# %% [markdown]
# 损失曲线抖动，因为每个点只是一个 batch（64 张）的损失；准确率是 2000 张留出图片上的，平滑得多。
# 在 8000 张图片上训练 2 轮，测试准确率约 0.91；笔记用完整的 60000 张训练 10 轮，约 0.96（注释里的 96%）。
# 训练数据只有笔记的 1/7.5，所以用 `FAST = False` 训练 10 轮也会低一些（见下面的练习）。

# %% [markdown]
# ## 7. 小项目：看看模型错在哪里
#
# 准确率只是一个数。**混淆矩阵** $C$ 把错误摊开：$C_{ij}$ 是真实标签为 $i$、预测为 $j$ 的图片数，
# 对角线是判对的，其余格子是判错的。先收集全部预测：

# %%
all_pred, all_label = [], []
with torch.no_grad():
    for inputs, labels in test_loader:
        all_pred.append(model(inputs).argmax(dim=1).numpy())
        all_label.append(labels.numpy())
all_pred, all_label = np.concatenate(all_pred), np.concatenate(all_label)
confusion = np.zeros((10, 10), dtype=np.int64)
np.add.at(confusion, (all_label, all_pred), 1)
print("accuracy:", confusion.trace() / confusion.sum())
print(confusion)

# %%
fig, ax = plt.subplots(figsize=(5, 4.5))
ax.imshow(confusion, cmap="Blues")
for i in range(10):
    for j in range(10):
        ax.text(j, i, confusion[i, j], ha="center", va="center", fontsize=7,
                color="white" if confusion[i, j] > confusion.max() / 2 else "black")
ax.set_xlabel("predicted")
ax.set_ylabel("label")
ax.set_xticks(range(10))
ax.set_yticks(range(10))
ax.set_title("confusion matrix (2000 held-out digits)")
plt.show()

# %% [markdown]
# 再看判错的前 8 张图片本身（标题是“真实 → 预测”）。很多错误连人也要犹豫一下。

# %%
wrong = np.flatnonzero(all_pred != all_label)
print(len(wrong), "wrong")
fig, axes = plt.subplots(1, 8, figsize=(10, 1.8))
for ax, k in zip(axes, wrong[:8]):
    image, label = x_test[int(k)]
    ax.imshow(image[0].numpy(), cmap="gray_r")
    ax.set_title(f"{label} → {all_pred[k]}", fontsize=10)
    ax.axis("off")
plt.show()

# %% [markdown]
# ## 8. 小结
#
# * 网络最后一层输出 logits，不加激活；softmax 把 logits 变成概率：$p_i = e^{z_i}/\sum_j e^{z_j}$。
# * 交叉熵就是正确类别概率的负对数：$\text{CE} = -\log p_y$；`CrossEntropyLoss` = `log_softmax` + `NLLLoss`，目标是类别下标（int64），不是 one-hot。
# * 它对分数的梯度是 $p - \text{onehot}(y)$；`log_softmax` 先减去最大值，所以大分数不会溢出。
# * 笔记的 784-512-256-128-64-10 全连接网络在 8000 张 MNIST 上训练 2 轮，留出集准确率约 0.91；
#   测试时用 `torch.no_grad()`（有 Dropout/BatchNorm 的网络还要 `model.eval()`）。
# * 看模型要看留出集上的曲线，再用混淆矩阵和判错的图片找出它在哪些数字上犯错。

# %% [markdown]
# ## 9. 练习
#
# 1. 把最后一层也加上 ReLU，会发生什么？为什么？
# 2. 用 `F.softmax` 把 `model(inputs)` 变成概率，检查每一行的和是不是 1。
# 3. `CrossEntropyLoss(label_smoothing=0.1)` 对损失值有何影响？
# 4. 从混淆矩阵里找出最常见的一种错误（非对角线上最大的格子）。
# 5. **改坏一行**：把 `log_softmax_backward` 里 `grad_output - y.exp() * grad_output.sum(dim, keepdim=True)`
#    的 `* grad_output.sum(...)` 去掉，用 `exec` 得到坏掉的函数，临时换进 `teachtorch/ops/softmax.py`，
#    对 `lambda x: LogSoftmaxReference.apply(x, 1)` 运行 `gradcheck`，看它失败。

# %% answer 练习 1
class ReLUOut(MyModule):
    def forward(self, x):
        return self.activate(super().forward(x))


torch.manual_seed(0)
relu_out = ReLUOut()
inputs, labels = next(iter(train_loader))
with torch.no_grad():
    logits = relu_out(inputs)
print("negative scores:", (logits < 0).sum().item(),
      " zero scores:", (logits == 0).float().mean().item())
# 最后一层的 ReLU 把所有负分数截成 0：一个类别的分数只能 >= 0，约一半的分数恰好是 0，
# 这些位置的梯度也是 0，学不动；而且 CrossEntropyLoss 本来就接受任意实数的分数，不需要激活。

# %% answer 练习 2～3
inputs, labels = next(iter(test_loader))
with torch.no_grad():
    probs = F.softmax(model(inputs), dim=1)
print(probs.sum(dim=1)[:4])
with torch.no_grad():
    logits = model(inputs)
print(torch.nn.CrossEntropyLoss()(logits, labels).item() <
      torch.nn.CrossEntropyLoss(label_smoothing=0.1)(logits, labels).item())
# label_smoothing 把目标从 one-hot 变成 0.9 + 0.01 / 0.01：模型已经很自信时，
# 平滑后的目标反而更难达到，所以损失变大。

# %% answer 练习 4
off = confusion.copy()
np.fill_diagonal(off, 0)
i, j = np.unravel_index(off.argmax(), off.shape)
print(f"label {i} predicted as {j}: {off[i, j]} times")

# %% answer 练习 5
source = inspect.getsource(log_softmax_backward)
broken = source.replace("grad_output - y.exp() * grad_output.sum(dim, keepdim=True)",
                        "grad_output - y.exp()")
assert broken != source
namespace = dict(vars(softmax_ops))
exec(broken, namespace)
x = torch.randn(2, 3, dtype=torch.float64, requires_grad=True)


def reference_log_softmax(x):
    return LogSoftmaxReference.apply(x, 1)


print(torch.autograd.gradcheck(reference_log_softmax, (x,)))
original = softmax_ops.log_softmax_backward
softmax_ops.log_softmax_backward = namespace["log_softmax_backward"]  # 临时换掉
try:
    torch.autograd.gradcheck(reference_log_softmax, (x,))
except RuntimeError as err:
    print(str(err)[:200])
finally:
    softmax_ops.log_softmax_backward = original  # 一定要换回来
