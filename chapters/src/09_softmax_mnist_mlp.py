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
import inspect

import matplotlib.pyplot as plt

import teachtorch as torch
import teachtorch.nn.functional as F
import teachtorch.vision as torchvision
from teachtorch.utils.data import DataLoader
from teachtorch.vision.datasets import mnist_t10k_split
from teachtorch.widgets import TrainingMonitor

torch.manual_seed(0)
FAST = True  # 测试时训练 2 轮；改成 False 训练笔记中的 10 轮

# %% [markdown]
# ## 1. softmax：从分数到概率
#
# $\mathrm{softmax}(z)_i = e^{z_i} / \sum_j e^{z_j}$。直接这样算，遇到大数会溢出；
# 实际实现先减去最大值（结果不变）。teachtorch 里两种写法都有：`softmax_naive` 是按公式写的，
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
# ## 2. 交叉熵 = log_softmax + NLLLoss
#
# 直觉：模型给正确类别 $y$ 的概率 $p_y$ 越大越好。交叉熵就是这个概率的负对数：
#
# $$\text{CE}(z, y) = -\log p_y = -\log\frac{e^{z_y}}{\sum_j e^{z_j}} = -z_y + \log\sum_j e^{z_j}.$$
#
# $p_y = 1$ 时损失为 0；$p_y \to 0$ 时损失趋于无穷。对 logits 的梯度是 $\partial\,\text{CE}/\partial z = p - \text{onehot}(y)$，
# 所以每行梯度之和为 0（下面会看到）。`log_softmax` 算 $\log p$，`NLLLoss` 取出 $-\log p_y$ 再求平均；
# `CrossEntropyLoss` 两步一起做，所以它要的是**没有经过 softmax 的 logits**。
#
# 笔记 000 的例子：3 个样本、2 个类别，标签必须是 LongTensor（int64 类下标）。

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

# %% [markdown]
# 在 8000 张图片上训练 2 轮，测试准确率约 91%；笔记用完整的 60000 张训练 10 轮，约 96%。
# 训练数据只有笔记的 1/7.5，所以用 `FAST = False` 训练 10 轮也会低一些（见下面的练习）。

# %% [markdown]
# ### 打开源码：交叉熵
#
# `F.cross_entropy`（`teachtorch/nn/_loss_functions.py`）先检查 dtype 和 `label_smoothing`，
# 然后在类别维上做 `log_softmax`，再交给 `nll`（取出 $-\log p_y$ 并求平均）：

# %%
from teachtorch.nn import _loss_functions

print(inspect.getsource(F.cross_entropy))
print(inspect.getsource(_loss_functions.cross_entropy_naive))

# %% [markdown]
# 同一个文件里还有逐步按公式写的 `cross_entropy_naive`（上面第二段）。它和融合版本给出同样的数：

# %%
logits_demo, target_demo = torch.randn(4, 10), torch.tensor([3, 0, 9, 1])
print(torch.allclose(_loss_functions.cross_entropy_naive(logits_demo, target_demo),
                     F.cross_entropy(logits_demo, target_demo)))

# %% [markdown]
# ## 7. 训练曲线：损失与测试准确率
#
# 笔记的循环每轮只打印一个数。用同一个网络重新训练 2 轮，每 25 个批次记一次最近 25 个批次的平均损失
# 和测试集上的准确率（百分比），循环结束后用 `TrainingMonitor` 画出来。

# %%
def test_accuracy(net):
    correct = 0
    with torch.no_grad():
        for inputs, labels in test_loader:
            correct += (net(inputs).argmax(dim=1) == labels).sum().item()
    return 100 * correct / len(x_test)


torch.manual_seed(0)
curve_model = MyModule()
curve_opt = torch.optim.Adam(curve_model.parameters(), lr=0.01)
monitor = TrainingMonitor(total=10, title="cross-entropy loss")
running = []
for epoch in range(2):
    for inputs, labels in train_loader:
        cost = criterion(curve_model(inputs), labels)
        curve_opt.zero_grad()
        cost.backward()
        curve_opt.step()
        running.append(cost.item())
        if len(running) == 25:
            monitor.log(loss=sum(running) / 25, accuracy=test_accuracy(curve_model))
            running = []
monitor

# %%
print([round(a, 1) for a in monitor.history["accuracy"]])
assert monitor.state["n"] == 10 and monitor.state["error"] is None

# %% [markdown]
# ## 8. 小项目：看看模型错在哪里
#
# 混淆矩阵的第 $i$ 行第 $j$ 列，是“真实标签为 $i$、被预测成 $j$”的测试图片个数；对角线是判对的。
# 用 `index_put_(..., accumulate=True)` 一次数完（同一个位置出现几次就加几次）。

# %%
all_pred, all_true, all_images = [], [], []
with torch.no_grad():
    for inputs, labels in test_loader:
        all_pred.append(model(inputs).argmax(dim=1))
        all_true.append(labels)
        all_images.append(inputs)
pred, true, images = torch.cat(all_pred), torch.cat(all_true), torch.cat(all_images)
confusion = torch.zeros(10, 10, dtype=torch.int64)
confusion.index_put_((true, pred), torch.ones(len(true), dtype=torch.int64), accumulate=True)
print(confusion)
print(f"准确率 {100 * confusion.diagonal().sum().item() / len(true):.1f}%")
off = confusion * (1 - torch.eye(10, dtype=torch.int64))  # 去掉对角线
i, j = divmod(off.argmax().item(), 10)
print(f"最常见的错误：把 {i} 认成 {j}，{off[i, j].item()} 次")

# %%
fig, axes = plt.subplots(1, 2, figsize=(9, 4))
axes[0].imshow(confusion.numpy(), cmap="Blues")
axes[0].set_xlabel("predicted")
axes[0].set_ylabel("true")
axes[0].set_title("confusion matrix")
for r in range(10):
    for c in range(10):
        axes[0].text(c, r, confusion[r, c].item(), ha="center", va="center", fontsize=7)
axes[1].axis("off")
wrong = (pred != true).nonzero().view(-1)[:8]
for k, idx in enumerate(wrong.tolist()):
    ax = fig.add_subplot(2, 8, 5 + (k // 4) * 8 + k % 4)
    ax.imshow(images[idx, 0].numpy(), cmap="gray")
    ax.set_title(f"{true[idx].item()}→{pred[idx].item()}", fontsize=9)
    ax.axis("off")
plt.tight_layout()
plt.show()

# %% [markdown]
# 右边是前 8 张判错的图片，标题是“真实 → 预测”。很多错误连人也要看一会儿。

# %% [markdown]
# ## 9. 小结
#
# * 网络最后一层输出 logits，不加激活；softmax 把 logits 变成概率：$p_i = e^{z_i}/\sum_j e^{z_j}$。
# * 交叉熵就是正确类别概率的负对数：$\text{CE} = -\log p_y$；`CrossEntropyLoss` = `log_softmax` + `NLLLoss`，目标是类别下标（int64），不是 one-hot。
# * 笔记的 784-512-256-128-64-10 全连接网络在 MNIST 上训练几轮就有很高的测试准确率；测试时用 `torch.no_grad()`。
# * 看模型错在哪里：混淆矩阵和判错的图片比一个准确率数字告诉你更多。

# %% [markdown]
# ## 10. 练习
#
# 1. 把最后一层也加上 ReLU，会发生什么？为什么？
# 2. 用 `F.softmax` 把 `model(inputs)` 变成概率，检查每一行的和是不是 1。
# 3. `CrossEntropyLoss(label_smoothing=0.1)` 对损失值有何影响？
# 4. **改坏一行**：把 `cross_entropy_naive` 的 `return -picked.log().mean()` 改成
#    `return -picked.mean()`（忘了取对数），用 `exec` 得到坏掉的版本，和 `F.cross_entropy` 比较数值，
#    再用 float64 的 `gradcheck` 看它的梯度是不是还“自洽”。为什么 gradcheck 查不出这种错误？

# %% answer 练习 1
class ReLUAtTheEnd(MyModule):
    def forward(self, x):
        return self.activate(super().forward(x))  # 最后一层也 ReLU


for cls in (MyModule, ReLUAtTheEnd):
    torch.manual_seed(0)
    net = cls()
    opt = torch.optim.Adam(net.parameters(), lr=0.01)
    for k, (inputs, labels) in enumerate(train_loader):
        if k == 60:
            break
        opt.zero_grad()
        criterion(net(inputs), labels).backward()
        opt.step()
    with torch.no_grad():
        logits = net(next(iter(test_loader))[0])
    print(f"{cls.__name__:12s} 60 个批次后测试准确率 {test_accuracy(net):.1f}%，"
          f"logits 里等于 0 的比例 {100 * (logits == 0).float().mean().item():.0f}%")
# 加了 ReLU，logits 不能为负：softmax 只能把正确类别的分数往上推，不能把错误类别往下压；
# 一旦某个类别的分数小于 0，ReLU 的梯度是 0，这个输出就“死”了。所以最后一层不要加激活。

# %% answer 练习 2～3
inputs, labels = next(iter(test_loader))
with torch.no_grad():
    probs = F.softmax(model(inputs), dim=1)
print(probs.sum(dim=1)[:4])
with torch.no_grad():
    logits = model(inputs)
print(torch.nn.CrossEntropyLoss()(logits, labels).item() <
      torch.nn.CrossEntropyLoss(label_smoothing=0.1)(logits, labels).item())

# %% answer 练习 4
source = inspect.getsource(_loss_functions.cross_entropy_naive)
broken = source.replace("return -picked.log().mean()", "return -picked.mean()")
assert broken != source
namespace = dict(vars(_loss_functions))
exec(broken, namespace)
broken_ce = namespace["cross_entropy_naive"]
print(round(F.cross_entropy(logits_demo, target_demo).item(), 4),
      round(_loss_functions.cross_entropy_naive(logits_demo, target_demo).item(), 4),
      round(broken_ce(logits_demo, target_demo).item(), 4))
z64 = logits_demo.double().requires_grad_()
print(torch.autograd.gradcheck(lambda z: broken_ce(z, target_demo), (z64,)))
# gradcheck 只检查 backward 与 forward 是否一致；坏掉的 forward 本身算的就是另一个函数，
# 它的梯度当然和它自己一致。要发现这种错误，得和一个可信的实现（这里是 F.cross_entropy）比数值。
