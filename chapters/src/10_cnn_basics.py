# %% [markdown]
# # 第 10 章　卷积与池化的算术，1-10-20 CNN
#
# **本章教什么**：卷积核在输入上滑动，每个位置做一次“对应相乘再求和”；
# 多通道时每个卷积核有 `in_channels` 层、各层结果相加；卷积怎样写成 `unfold` + 矩阵乘法；
# 步幅 `stride`、`padding`、`dilation` 如何决定输出大小；最大池化与 `ceil_mode`；
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
from teachtorch.widgets import ConvWindowView, SourceView, TrainingMonitor
import inspect

torch.manual_seed(0)  # 之后所有随机数（randn、打乱、初始化）都由它决定
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
# ## 2. 多通道：每个卷积核有 in_channels 层
#
# 彩色图片有 3 个通道（R、G、B），卷积层的输出也有很多通道。这时**一个**卷积核是一个
# $C_\text{in}\times k\times k$ 的小方块：它在每个输入通道上各做一次二维卷积，再把
# $C_\text{in}$ 个结果**加起来**（再加上偏置），得到**一个**输出通道。
# 要 $C_\text{out}$ 个输出通道，就用 $C_\text{out}$ 个这样的卷积核，所以权重的形状是
# $(C_\text{out}, C_\text{in}, k, k)$：
#
# $$Y[o, i, j] = b_o + \sum_{c=0}^{C_\text{in}-1}\sum_{u,v} W[o, c, u, v]\,X[c,\ i s + u,\ j s + v]$$
#
# 其中 $s$ 是步幅。下面用 3 个输入通道、2 个卷积核验证“每个通道各卷一次再相加”：

# %%
x3 = torch.randn(1, 3, 5, 5)                     # 1 张图片，3 个通道
w3 = torch.randn(2, 3, 3, 3)                     # 2 个卷积核，每个 3 层
y3 = F.conv2d(x3, w3)
print("weight", tuple(w3.shape), "->", "output", tuple(y3.shape))
per_channel = sum(F.conv2d(x3[:, c:c + 1], w3[0:1, c:c + 1]) for c in range(3))
print(torch.allclose(per_channel, y3[:, 0:1], atol=1e-6))  # 第 0 个输出通道

# %% [markdown]
# 参数个数因此是 $C_\text{out}\cdot C_\text{in}\cdot k^2 + C_\text{out}$，和输入的高宽无关：
# 这就是卷积比全连接省参数的原因。`nn.Conv2d(3, 2, 3)` 的权重形状与上面一致：

# %%
print(nn.Conv2d(3, 2, kernel_size=3).weight.shape)

# %% [markdown]
# ## 3. 两种实现：四重循环与 im2col
#
# teachtorch 里有两种实现：按定义写四重循环的 `conv2d_naive`（读它就懂卷积），
# 和用 im2col 把所有窗口排成矩阵、再做一次矩阵乘法的快速版本。两者结果一致：

# %%
from teachtorch.ops.conv import conv2d_naive

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
# 多通道、多个卷积核也一样：`unfold` 的每一列是一个窗口里 $C_\text{in} k^2$ 个数，
# 权重拉成 $(C_\text{out}, C_\text{in}k^2)$ 的矩阵，一次矩阵乘法得到所有输出通道。
# 把这写成一个 5 行的卷积，和 `F.conv2d` 对照：

# %%
def conv2d_by_unfold(x, weight, bias):
    n, _, h, w = x.shape
    out_c, _, k, _ = weight.shape
    cols = F.unfold(x, kernel_size=k)                       # (N, C_in*k*k, 窗口数)
    y = weight.view(out_c, -1) @ cols + bias.view(1, -1, 1)  # (N, C_out, 窗口数)
    return y.view(n, out_c, h - k + 1, w - k + 1)


b3 = torch.randn(2)
print(torch.allclose(conv2d_by_unfold(x3, w3, b3), F.conv2d(x3, w3, b3), atol=1e-5))

# %% [markdown]
# 打开库里的卷积：`teachtorch/ops/conv.py` 的参考实现 `ConvolutionReference.forward` 就是上面这几行，
# 直接在 NumPy 数组上写：`columns`（im2col，用填充后数组的跨步视图）排出所有窗口，权重 reshape 成矩阵，
# 一次 `matmul`。它的 `backward` 交给 `convolution_backward`，里面只调用别的参考 Function：
# $\partial L/\partial X$ 是 $\partial L/\partial Y$ 与同一组权重的转置卷积（`ConvTransposeReference`），
# $\partial L/\partial W$ 是每个窗口乘上它位置上的 $\partial L/\partial Y$ 再求和（`Correlation`，即
# $\partial L/\partial Y \cdot \text{cols}^T$），偏置的梯度是 $\partial L/\partial Y$ 在每个输出通道上的和
# （`BiasGrad`）。这些 Function 各有自己的 backward，所以二阶导数也能算。
# 默认运行的是 `teachtorch/ops/_kernels/conv.py` 里的快速内核；小部件的 "version" 按钮可以在两者之间切换。

# %%
from teachtorch.ops import conv as conv_ops

SourceView(nn.Conv2d, reference=True)

# %%
SourceView(conv_ops.convolution_backward)

# %% [markdown]
# 参考实现什么时候运行？在 `with torch.reference_mode():` 里，同一个层走参考实现，结果和快速内核相同
# （差别只在浮点舍入）。

# %%
x_demo = torch.linspace(-1, 1, 2 * 3 * 8 * 8).reshape(2, 3, 8, 8)
w_demo = torch.linspace(-0.5, 0.5, 4 * 3 * 3 * 3).reshape(4, 3, 3, 3)
fast_out = F.conv2d(x_demo, w_demo, padding=1)
with torch.reference_mode():
    reference_out = F.conv2d(x_demo, w_demo, padding=1)
print(fast_out.shape, torch.allclose(fast_out, reference_out, atol=1e-5))

# %% [markdown]
# ## 4. 小部件：窗口怎样滑动
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
# ## 5. 池化与 ceil_mode
#
# 最大池化也是滑动窗口，但不做乘加，只取窗口里的最大值：
# $Y[c, i, j] = \max_{u,v} X[c,\ i s + u,\ j s + v]$，每个通道各自池化，没有参数。
# 反向时梯度只流回每个窗口里最大值所在的那一格。笔记 001：`ceil_mode=True` 时，遇到边界不完整的窗口也保留结果；False 时舍弃。
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
# 打开 `nn.MaxPool2d`：没有参数，设置（`kernel_size`、默认等于它的 `stride`……）由父类 `_MaxPoolNd`
# 保存，`forward` 只是调用 `max_pool2d`；真正的计算在 `teachtorch/ops/pool.py` 的参考实现
# `MaxPool2dReference` 里（默认运行的快速内核在 `teachtorch/ops/_kernels/pool.py`），
# 它记下每个窗口最大值的位置 `arg`，`backward`（`max_pool_backward`）只把梯度写回这些位置。

# %%
SourceView(nn.MaxPool2d)

# %%
from teachtorch.ops import pool as pool_ops

SourceView(nn.MaxPool2d, reference=True)

# %%
SourceView(pool_ops.max_pool_backward)

# %% [markdown]
# ## 6. 试一试：卷积核比输入还大
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
# ## 7. 笔记 001 的层：卷积、池化、激活、线性

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
# ## 8. 在 MNIST 上训练笔记中的 CNN
#
# 形状变化：(batch,1,28,28) → conv 5×5 → (10,24,24) → pool → (10,12,12) → conv 5×5 → (20,8,8)
# → pool → (20,4,4) → 展平 320 → 10。笔记原文（数据换成 t10k 的 8000/2000 划分）；
# 和第 9 章一样，在 `train()` 里加了两行，每 9 个 batch 记一次损失和留出集上的准确率。

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


def evaluate():
    """留出集上的准确率（0～1 之间的小数）。"""
    correct = 0
    with torch.no_grad():
        for inputs, labels in test_loader:
            inputs, labels = inputs.to(device), labels.to(device)
            correct += (model(inputs).argmax(dim=1) == labels).sum().item()
    return correct / len(x_test)


monitor = TrainingMonitor(total=(1 if FAST else 5) * len(train_loader) // 9,
                          title="CE loss")

# 启用GPU进行模型训练，cude:0 表示使用本机的第0块显卡
device = torch.device("cuda:0" if torch.cuda.is_available() else "cpu")
model.to(device)

criterion = torch.nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)


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
        if batch_index % 9 == 8:  # 新加：记录曲线
            monitor.log(loss=loss.item(), acc_test=evaluate())

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
monitor

# %% [markdown]
# 笔记里写的是 `"cude:0"`（拼写错误）——在有 GPU 的机器上它会报错，这里改成了 `"cuda:0"`。
# 笔记的 `test()` 乘了 100，打印的是百分数；本课程其余地方（包括上面的曲线）写成 0～1 的小数。
# 训练 1 轮（63 个批次）后留出集准确率约 0.96；笔记在 60000 张图片上训练 5 轮约 0.98。

# %% [markdown]
# ## 9. 小项目：数一数参数
#
# 卷积层的参数个数是 `out_channels * in_channels * k * k + out_channels`。手算 MyModule
# 的参数总数，再用 `numel()` 验证。

# %%
by_hand = (10 * 1 * 5 * 5 + 10) + (20 * 10 * 5 * 5 + 20) + (320 * 10 + 10)
print(by_hand, sum(p.numel() for p in model.parameters()))

# %% [markdown]
# ## 10. 小结
#
# * 卷积 = 卷积核在输入上滑动、对应相乘再求和；多通道输入时每个卷积核有 `in_channels` 层，各层结果相加，输出通道数等于卷积核个数，权重形状 $(C_\text{out}, C_\text{in}, k, k)$。
# * 输出大小 $\lfloor (H + 2p - d(k-1) - 1)/s \rfloor + 1$，步幅 `stride`、`padding`、`dilation` 都在公式里；池化同样滑窗口，`ceil_mode` 决定不足一个窗口的边角要不要。
# * 卷积可以写成 `F.unfold`（im2col）之后的一次矩阵乘法，teachtorch 的 `ConvolutionReference` 就是这样算的；最大池化记下最大值的位置，梯度只回到那里。
# * 笔记的 1-10-20 CNN 只有 8490 个参数（第 9 章的全连接网络有 575050 个），训练 1 轮留出集准确率就约 0.96。

# %% [markdown]
# ## 11. 练习
#
# 1. 输入 32×32，`Conv2d(3, 32, kernel_size=5, padding=2)` 之后的大小？再接 `MaxPool2d(2)` 呢？
# 2. 输入 4×4、核 2、步幅 3、padding 1、`ceil_mode=True` 的最大池化：公式 ceil((4+2-2)/3)+1 = 3，
#    为什么实际输出是 2×2？用小部件看看第 3 个窗口从哪里开始。
# 3. `padding='same'` 在 stride=1 时保证输出与输入同样大小，它在两边各填多少？
# 4. **改坏一行**：把偏置梯度 `BiasGrad.forward` 里的 `grad.sum(axis=dims)` 改成 `grad.mean(axis=dims)`，
#    用 `exec` 得到坏掉的类，临时换进 `teachtorch/ops/conv.py`，对 `ConvolutionReference` 的一个小卷积运行
#    `gradcheck`，看它失败。

# %% answer 练习 1～3
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
source = inspect.getsource(conv_ops.BiasGrad)
broken = source.replace("grad.sum(axis=dims)", "grad.mean(axis=dims)")
assert broken != source
namespace = dict(vars(conv_ops))
exec(broken, namespace)
xs = torch.randn(1, 2, 4, 4, dtype=torch.float64, requires_grad=True)
ws = torch.randn(3, 2, 3, 3, dtype=torch.float64, requires_grad=True)
bs = torch.randn(3, dtype=torch.float64, requires_grad=True)
geometry = ((1, 1), ((0, 0), (0, 0)), (1, 1), 1)  # stride, pads, dilation, groups


def reference_conv(x, w, b):
    return conv_ops.ConvolutionReference.apply(x, w, b, *geometry)


print(torch.autograd.gradcheck(reference_conv, (xs, ws, bs)))
original = conv_ops.BiasGrad
conv_ops.BiasGrad = namespace["BiasGrad"]  # 临时换掉
try:
    torch.autograd.gradcheck(reference_conv, (xs, ws, bs))
except RuntimeError as err:
    print(str(err)[:200])
finally:
    conv_ops.BiasGrad = original  # 一定要换回来
