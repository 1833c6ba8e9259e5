# %% [markdown]
# # 第 10 章　卷积与池化的算术，1-10-20 CNN
#
# **本章教什么**：卷积核在输入上滑动，每个位置做一次“对应相乘再求和”；
# `stride`、`padding`、`dilation` 如何决定输出大小；最大池化与 `ceil_mode`；
# 最后在 MNIST 上训练笔记中的卷积网络（1→10→20 通道，全连接 320→10）。
#
# **对应笔记**：`001_006c858c5f14514d.txt`（4.2 卷积、4.3 池化、4.4 非线性激活）、
# `002_0b1e019c38618b4a.txt`（卷积神经网络、代码示例1、代码示例2）。

# %%
import teachtorch as torch
import teachtorch.nn.functional as F
import teachtorch.vision as torchvision
from teachtorch import nn
from teachtorch.utils.data import DataLoader
from teachtorch.vision.datasets import mnist_t10k_split
from teachtorch.widgets import ConvWindowView, TrainingMonitor

torch.manual_seed(0)
FAST = True  # 测试时训练 1 轮；改成 False 训练 5 轮

# %% [markdown]
# ## 1. 一次卷积到底算了什么
#
# 笔记 001 的图：3×3 的输入 0..8，2×2 的卷积核 0..3，左上角的输出是
# `0*0 + 1*1 + 3*2 + 4*3 = 19`，右移一格是 `1*0 + 2*1 + 4*2 + 5*3 = 25`。

# %%
inp = torch.arange(9.0).view(1, 1, 3, 3)
kernel = torch.arange(4.0).view(1, 1, 2, 2)
print(F.conv2d(inp, kernel))

# %% [markdown]
# ### 多通道：每个卷积核有 `in_channels` 层
#
# 输入有 $C_{in}$ 个通道时，一个卷积核也有 $C_{in}$ 层，每层在自己的通道上滑动，$C_{in}$ 个结果**相加**成一张输出图；
# 有 $C_{out}$ 个卷积核，就得到 $C_{out}$ 个输出通道。所以权重的形状是 $(C_{out}, C_{in}, k, k)$：
#
# $$y[o, i, j] = b_o + \sum_{c=0}^{C_{in}-1}\sum_{u=0}^{k-1}\sum_{v=0}^{k-1} w[o, c, u, v]\; x[c,\; i\cdot s + u,\; j\cdot s + v].$$
#
# 验证“多通道 = 各通道分别卷积再相加”：

# %%
x3 = torch.randn(1, 3, 5, 5)
w3 = torch.randn(1, 3, 3, 3)
per_channel = sum(F.conv2d(x3[:, c:c + 1], w3[:, c:c + 1]) for c in range(3))
print(torch.allclose(F.conv2d(x3, w3), per_channel, atol=1e-5))

# %% [markdown]
# teachtorch 里有两种实现：按定义写循环的 `conv2d_naive`（读它就懂卷积，上面的公式一行对一行），
# 和用 im2col 把所有窗口排成矩阵、再做一次矩阵乘法的快速版本。先读朴素版本（`teachtorch/ops/conv_naive.py`）：

# %%
import inspect

from teachtorch.ops.conv import conv2d_naive

print(inspect.getsource(conv2d_naive))

# %% [markdown]
# 两者结果一致：

# %%

x = torch.randn(2, 3, 7, 7)
w = torch.randn(4, 3, 3, 3)
naive = conv2d_naive(x.numpy(), w.numpy(), stride=2, padding=1)  # 在 NumPy 数组上
fast = F.conv2d(x, w, stride=2, padding=1)
print(naive.shape, torch.allclose(torch.from_numpy(naive), fast, atol=1e-5))

# %% [markdown]
# im2col 在 PyTorch 里有公开的名字：`F.unfold`。它把每个窗口拉直成一列：
# 上面 3×3 的输入、2×2 的核，一共 4 个窗口，每列 4 个数。卷积就是核拉直成一行，再乘这个矩阵：

# %%
cols = F.unfold(inp, kernel_size=2)
print(cols)
print((kernel.view(1, -1) @ cols).view(1, 1, 2, 2))

# %% [markdown]
# ## 2. 小部件：窗口怎样滑动
#
# 选择模式（conv2d / max_pool2d / avg_pool2d）、输入大小、卷积核、步幅、填充、膨胀；
# 移动"out row / out col"看每个输出格子用到了输入的哪些格子。
# 输出大小的公式：$\lfloor (H + 2p - d(k-1) - 1)/s \rfloor + 1$。

# %%
view = ConvWindowView(mode="conv2d", input_size=(7, 7), kernel_size=3, stride=2, padding=1)
view

# %%
print(view.state["formula"])
print("output shape:", view.state["output_shape"])
view.controls["out_row"].value = 1
view.controls["out_col"].value = 2
print(view.state["window"])
print(view.state["arithmetic"])
shape = F.conv2d(torch.zeros(1, 1, 7, 7), torch.zeros(1, 1, 3, 3), stride=2,
                 padding=1).shape
assert tuple(view.state["output_shape"]) == tuple(shape)

# %% [markdown]
# 反向模式：选一个输入格子，看它参与了哪些输出——这正是反向传播时梯度流回它的路径。

# %%
view.controls["reverse"].value = True
view.controls["in_row"].value = 3
view.controls["in_col"].value = 3
print(view.state["fed_outputs"])
view.controls["reverse"].value = False

# %% [markdown]
# ## 3. 池化与 ceil_mode
#
# 笔记 001：`ceil_mode=True` 时，遇到边界不完整的窗口也保留结果；False 时舍弃。
# PyTorch 还有一条规则：最后一个窗口必须从输入（或左侧填充）之内开始。

# %%
max_pooling = nn.MaxPool2d(kernel_size=3, ceil_mode=True)
x = torch.arange(25.0).view(1, 1, 5, 5)
print(max_pooling(x))
print(nn.MaxPool2d(kernel_size=3, ceil_mode=False)(x))
pool_view = ConvWindowView(mode="max_pool2d", input_size=(5, 5), kernel_size=3, stride=3,
                           ceil_mode=True)
print(pool_view.state["formula"], pool_view.state["output_shape"])
pool_view.controls["ceil_mode"].value = False
print(pool_view.state["formula"], pool_view.state["output_shape"])

# %% [markdown]
# ## 4. 试一试：卷积核比输入还大
#
# 设置不合法时，小部件不会偷偷把数值改掉，而是用红字说明原因；库函数则抛出 PyTorch 的错误。

# %%
bad = ConvWindowView(mode="conv2d", input_size=(4, 4), kernel_size=5)
print(bad.state["error"])
try:
    F.conv2d(torch.zeros(1, 1, 4, 4), torch.zeros(1, 1, 5, 5))
except RuntimeError as err:
    print(err)

# %% [markdown]
# 另一个常见错误：输入通道数与 `Conv2d` 的 `in_channels` 不一致（例如把灰度图送进 3 通道的卷积）。

# %%
conv = nn.Conv2d(in_channels=3, out_channels=3, kernel_size=5, padding=2)
try:
    conv(torch.zeros(1, 1, 28, 28))
except RuntimeError as err:
    print(err)

# %% [markdown]
# ## 5. 笔记 001 的层：卷积、池化、激活、线性

# %%
class Model(nn.Module):
    def __init__(self):  # 实现init方法
        super().__init__()
        self.conv1 = nn.Conv2d(1, 20, 5)
        self.conv2 = nn.Conv2d(20, 20, 5)

    def forward(self, x):  # 实现forward方法
        x = F.relu(self.conv1(x))
        return F.relu(self.conv2(x))


print(Model()(torch.randn(1, 1, 28, 28)).shape)
m = nn.ReLU()
input = torch.randn(2)
output = m(input)
print(input, output)
m = nn.Linear(in_features=20, out_features=30, bias=True)
input = torch.randn(128, 20)
output = m(input)
print(output.size())

# %% [markdown]
# ## 6. 在 MNIST 上训练笔记中的 CNN
#
# 形状变化：(batch,1,28,28) → conv 5×5 → (10,24,24) → pool → (10,12,12) → conv 5×5 → (20,8,8)
# → pool → (20,4,4) → 展平 320 → 10。笔记原文（数据换成 t10k 的 8000/2000 划分）：

# %%
batch_size = 128

transform = torchvision.transforms.Compose([
    torchvision.transforms.ToTensor(),
    torchvision.transforms.Normalize(0.1307, 0.3081)
])

x_train = mnist_t10k_split(train=True, transform=transform)
train_loader = DataLoader(x_train, batch_size=batch_size, shuffle=True, num_workers=2)

x_test = mnist_t10k_split(train=False, transform=transform)
test_loader = DataLoader(x_test, batch_size=batch_size, shuffle=False, num_workers=2)


class MyModule(torch.nn.Module):
    def __init__(self):
        super(MyModule, self).__init__()
        self.conv1 = torch.nn.Conv2d(1, 10, 5)
        self.pool1 = torch.nn.MaxPool2d(2)
        self.conv2 = torch.nn.Conv2d(10, 20, 5)
        self.pool2 = torch.nn.MaxPool2d(2)
        self.fc1 = torch.nn.Linear(320, 10)
        self.activate = torch.nn.ReLU()

    def forward(self, x):
        # x的初始形状为 (batch,1,28,28)
        x = self.activate(self.conv1(x))
        x = self.activate(self.pool1(x))
        x = self.activate(self.conv2(x))
        x = self.activate(self.pool2(x))
        # x的当前形状为 (batch,20,4,4)
        x = x.view(-1, 20 * 4 * 4)
        x = self.fc1(x)
        return x


model = MyModule()

# 启用GPU进行模型训练，cude:0 表示使用本机的第0块显卡
device = torch.device("cuda:0" if torch.cuda.is_available() else "cpu")
model.to(device)

criterion = torch.nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)

# %% [markdown]
# 笔记的循环只在每轮结束时打印一次测试准确率。为了画出训练曲线又不改笔记的代码，给 `criterion`
# 注册一个 forward hook（第 14 章详讲）：每算一次损失，就记下这一批的损失和这一批上的准确率。

# %%
batch_log = []


def record(module, inputs, output):
    logits, targets = inputs
    batch_log.append((output.item(), 100 * (logits.argmax(dim=1) == targets).float().mean().item()))


loss_hook = criterion.register_forward_hook(record)

# %%
def train():
    loss_total = 0

    for batch_index, data in enumerate(train_loader):
        inputs, labels = data
        # 启用GPU进行模型训练，须使用和前一步一样的显卡
        inputs, labels = inputs.to(device), labels.to(device)

        y_pred = model(inputs)
        loss = criterion(y_pred, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

        loss_total += loss.item()

    return loss_total


def test():
    correct = 0
    total = 0

    with torch.no_grad():
        for data in test_loader:
            inputs, labels = data
            # 启用GPU进行模型训练，须使用和前几步一样的显卡
            inputs, labels = inputs.to(device), labels.to(device)

            y_pred = model(inputs)
            _, outputs = torch.max(y_pred, dim=1)

            total += outputs.size(0)
            correct += (outputs == labels).sum().item()

    print("test accuracy:", 100 * correct / total)


if __name__ == "__main__":
    for epoch in range(1 if FAST else 5):
        print("<----- %d ----->" % epoch)
        train()
        test() # 最终的准确率大致是98%

# %% [markdown]
# 笔记里写的是 `"cude:0"`（拼写错误）——在有 GPU 的机器上它会报错，这里改成了 `"cuda:0"`。
# 训练 1 轮（63 个批次）后测试准确率约 94%；笔记在 60000 张图片上训练 5 轮约 98%。
#
# 把 hook 记下的数画出来（每 5 个批次取平均，让曲线平滑一些）。注意这里的准确率是在**训练批**上算的；
# 没见过的数据上的准确率，是上面笔记代码用测试集打印的那个数。

# %%
loss_hook.remove()
monitor = TrainingMonitor(total=len(batch_log) // 5, title="cross-entropy loss (train batches)")
for k in range(len(batch_log) // 5):
    chunk = batch_log[5 * k:5 * k + 5]
    monitor.log(step=5 * (k + 1), loss=sum(c[0] for c in chunk) / 5,
                acc_train_batch=sum(c[1] for c in chunk) / 5)
monitor

# %%
print(len(batch_log), "batches;", f"最后 5 批的平均损失 {monitor.state['last']['loss']:.3f}，"
      f"训练批准确率 {monitor.state['last']['acc_train_batch']:.1f}%")
assert monitor.state["error"] is None

# %% [markdown]
# ## 7. 小项目：数一数参数
#
# 卷积层的参数个数是 `out_channels * in_channels * k * k + out_channels`。手算 MyModule
# 的参数总数，再用 `numel()` 验证。

# %%
by_hand = (10 * 1 * 5 * 5 + 10) + (20 * 10 * 5 * 5 + 20) + (320 * 10 + 10)
print(by_hand, sum(p.numel() for p in model.parameters()))

# %% [markdown]
# ## 8. 小结
#
# * 卷积 = 卷积核在输入上滑动、对应相乘再求和；多通道输入时每个卷积核有 `in_channels` 层，输出通道数等于卷积核个数。
# * 输出大小 $\lfloor (H + 2p - d(k-1) - 1)/s \rfloor + 1$，步幅 `stride`、`padding`、`dilation` 都在公式里；池化同样滑窗口，`ceil_mode` 决定不足一个窗口的边角要不要。
# * 卷积可以写成 `F.unfold`（im2col）之后的一次矩阵乘法，teachtorch 的 `conv2d` 就是这样算的。

# %% [markdown]
# ## 9. 练习
#
# 1. 输入 32×32，`Conv2d(3, 32, kernel_size=5, padding=2)` 之后的大小？再接 `MaxPool2d(2)` 呢？
# 2. 输入 4×4、核 2、步幅 3、padding 1、`ceil_mode=True` 的最大池化：公式 ceil((4+2-2)/3)+1 = 3，
#    为什么实际输出是 2×2？用小部件看看第 3 个窗口从哪里开始。
# 3. `padding='same'` 在 stride=1 时保证输出与输入同样大小，它在两边各填多少？
# 4. **改坏一行**：把 `conv2d_naive` 里的 `top, left = i * stride, j * stride` 改成 `top, left = i, j`
#    （忘了步幅），用 `exec` 得到坏掉的版本，在 `stride=1` 和 `stride=2` 时分别和 `F.conv2d` 比较。

# %% answer
x = torch.zeros(1, 3, 32, 32)
y = nn.Conv2d(3, 32, kernel_size=5, padding=2)(x)
print(y.shape, nn.MaxPool2d(2)(y).shape)
ex = ConvWindowView(mode="max_pool2d", input_size=(4, 4), kernel_size=2, stride=3,
                    padding=1, ceil_mode=True)
print(ex.state["output_shape"], ex.state["formula"])
print(F.max_pool2d(torch.zeros(1, 1, 4, 4), 2, stride=3, padding=1, ceil_mode=True).shape)
# 第 3 个窗口会从 -1 + 2*3 = 5 开始，已经在输入和左侧填充之外，所以被丢掉
print(nn.Conv2d(1, 1, 5, padding="same")(torch.zeros(1, 1, 9, 9)).shape)  # 各填 (5-1)/2 = 2

# %% answer 练习 4
from teachtorch.ops import conv_naive

source = inspect.getsource(conv_naive.conv2d_naive)
broken = source.replace("top, left = i * stride, j * stride", "top, left = i, j")
assert broken != source
namespace = dict(vars(conv_naive))
exec(broken, namespace)
xb, wb = torch.randn(1, 3, 7, 7), torch.randn(2, 3, 3, 3)
for stride in (1, 2):
    ours = namespace["conv2d_naive"](xb.numpy(), wb.numpy(), stride=stride, padding=1)
    print(stride, torch.allclose(torch.from_numpy(ours), F.conv2d(xb, wb, stride=stride, padding=1),
                                 atol=1e-5))
# stride=1 时 i * 1 == i，错误被掩盖；只有 stride=2 的比较能发现它：测试要覆盖不同的参数
