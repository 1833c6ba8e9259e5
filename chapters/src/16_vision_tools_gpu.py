# %% [markdown]
# # 第 16 章　视觉工具：transforms、datasets、make_grid、TensorBoard、visdom 与 GPU
#
# **本章教什么**：`transforms` 怎样把 PIL 图片变成张量（ToTensor、Normalize、Resize、Compose，
# 以及 v2 的写法）；`datasets.MNIST` / `CIFAR10` 与 DataLoader；用 `make_grid` 拼图、`save_image` 存图；
# 用 TensorBoard 的 `SummaryWriter` 记录标量、图片和模型结构，再把事件文件读回来；
# visdom 的调用方式（没有服务器时会怎样）；GPU：`torch.cuda.is_available()`、device 写法、
# 异步执行与 `CUDA_LAUNCH_BLOCKING`、`DataParallel`；打印与修改现成的模型（alexnet / vgg）。
#
# **对应笔记**：`001_006c858c5f14514d.txt`（2. torchvision.transforms 2.1–2.5；3. torch.utils.tensorboard
# 3.2–3.3；4.9 使用和修改现有模型）、`000_31b0c36760745ae4.txt`（chaper5 常用工具模块：
# 2. torchvision、3. 可视化工具 Tensorboard 与 Visdom、4. 使用GPU加速；chaper 6 补充 · 2. 数据集加载）、
# `003_72661a104065fcb5.txt`（通用并行计算：异步计算、多GPU计算）。

# %%
import os
import tempfile

import numpy as np
from PIL import Image, ImageDraw

import teachtorch as t
import teachtorch as torch
import teachtorch.vision as torchvision
from teachtorch.vision import transforms
from teachtorch.vision.transforms import v2

torch.manual_seed(0)
workdir = tempfile.TemporaryDirectory()  # 本章写的文件都放在这里，最后删除
root = workdir.name

# %% [markdown]
# ## 1. 一张真实的图片
#
# 笔记用 `Image.open(img_path)` 读一张蜜蜂照片；这里没有那张照片，就从 MNIST 测试集取一个数字，
# 用 PIL 放大、上色，再用 `ImageDraw` 画一个框——得到一张 RGB 的 PIL 图片。

# %%
mnist_raw = torchvision.datasets.MNIST(root=root, train=False)
digit, label = mnist_raw[0]  # 不带 transform 时得到 PIL 图片
print(type(digit).__name__, digit.mode, digit.size, label)
rgb = Image.merge("RGB", [digit, digit.point(lambda v: v // 2), Image.new("L", digit.size, 40)])
image = rgb.resize((64, 64))
ImageDraw.Draw(image).rectangle([2, 2, 61, 61], outline=(0, 200, 255), width=2)
print(image.mode, image.size)
image

# %% [markdown]
# ## 2. transforms：先建工具，再用工具（笔记 001 · 2.3）
#
# - `ToTensor`：PIL (H, W, C) 的 uint8 → 张量 (C, H, W) 的 float32，数值除以 255 到 [0, 1]；
# - `Normalize(mean, std)`：每个通道 `(x - mean) / std`；
# - `Resize(size)`：改变大小（一个整数时把短边缩放到这个长度）；
# - `Compose([...])`：把几个变换串起来。

# %%
tensor_trans = transforms.ToTensor() # 创建具体工具
tensor_img = tensor_trans(image) # 使用工具
print(tensor_img.shape, tensor_img.dtype, round(tensor_img.min().item(), 4), round(tensor_img.max().item(), 4))
print(np.array(image)[30, 30], tensor_img[:, 30, 30])

normalize = transforms.Normalize(mean=[0.5, 0.5, 0.5], std=[0.5, 0.5, 0.5])
norm_img = normalize(tensor_img)
print(round(norm_img.min().item(), 4), round(norm_img.max().item(), 4))  # [0,1] -> [-1,1]

resize = transforms.Resize(32)
print(resize(image).size)
pipeline = transforms.Compose([transforms.Resize(32), transforms.ToTensor(), normalize])
print(pipeline(image).shape)

# %% [markdown]
# v2 版本（笔记 001 · 2.5、3.3）：`ToTensor` 在 v2 里拆成两步——`ToImage()` 变成 (C, H, W) 的
# uint8 张量，`ToDtype(torch.float32, scale=True)` 再转 float32 并缩放到 [0, 1]。结果与 `ToTensor()` 相同。

# %%
image_2_tensor = v2.Compose([v2.ToImage(), v2.ToDtype(torch.float32, scale=True)]) #ToTensor
v2_img = image_2_tensor(image)
print(v2_img.shape, v2_img.dtype, torch.equal(v2_img, tensor_img))
print(v2.ToImage()(image).dtype)

# %% [markdown]
# ### 试一试：Normalize 用在 PIL 图片上
#
# `Normalize` 只接受张量；顺序写反（先 Normalize 再 ToTensor）就会报错：

# %%
try:
    transforms.Compose([normalize, transforms.ToTensor()])(image)
except TypeError as err:
    print(err)

# %% [markdown]
# ## 3. datasets：MNIST 和 CIFAR10（笔记 000 · 补充 2.、笔记 001 · 3.3）
#
# `MNIST(root, train=False, transform=...)`：这台机器不能联网下载，teachtorch 就用随包附带的
# t10k 测试集文件（真实的 MNIST 测试集 1 万张）。`train=False` 正是它。

# %%
test_dataset = torchvision.datasets.MNIST(root=root,
                                          train=False,
                                          transform=transforms.ToTensor())
test_loader = torch.utils.data.DataLoader(dataset=test_dataset,
                                          batch_size=16,
                                          shuffle=False)
images, labels = next(iter(test_loader))
print(len(test_dataset), images.shape, labels.tolist())

# %% [markdown]
# 真实的 CIFAR-10 离线拿不到（笔记里 `download=True` 要联网）。下面用 `write_cifar10`
# 按 CIFAR-10 的真实文件格式（pickle 的 batch 文件）写 10 张**合成**的 32×32 彩色图片，
# 然后用和笔记一样的 `CIFAR10(root=..., train=False)` 读出来：读的代码与真实数据完全相同，图片是假的。

# %%
rng = np.random.default_rng(0)
fake = np.zeros((10, 32, 32, 3), dtype=np.uint8)
for i in range(10):
    fake[i, :, :] = rng.integers(0, 256, size=3)          # 每张一种底色
    fake[i, 8:24, 8 + i:16 + i] = 255 - fake[i, 0, 0]     # 一个反色的竖条
cifar_root = os.path.join(root, "cifar10")
torchvision.datasets.write_cifar10(cifar_root, fake, list(range(10)), train=False)
test_set = torchvision.datasets.CIFAR10(root=cifar_root, train=False)
image0, target0 = test_set[0]
print(len(test_set), type(image0).__name__, image0.size, test_set.classes[target0])

# %% [markdown]
# ## 4. make_grid 与 save_image（笔记 000 · chaper5 2.）
#
# `make_grid(batch, nrow=8, padding=2)` 把 (B, C, H, W) 拼成一张 (C, H', W') 的大图；
# 单通道图会被复制成 3 通道。`save_image` 直接把张量（或一批张量）存成 PNG。

# %%
from teachtorch.vision.utils import make_grid, save_image

grid = make_grid(images, nrow=8, padding=2)
print(images.shape, "->", grid.shape)  # 2 行 8 列：(2*28 + 3*2, 8*28 + 9*2)
save_image(images, os.path.join(root, "mnist_grid.png"), nrow=8)
png = Image.open(os.path.join(root, "mnist_grid.png"))
print(png.size, png.mode)
png

# %% [markdown]
# ## 5. TensorBoard：SummaryWriter（笔记 001 · 3.2、笔记 000 · 可视化工具）
#
# 笔记里的 `from tensorboardX import SummaryWriter`（或 `from torch.utils.tensorboard import ...`）
# 在这里写成 `from teachtorch.utils.tensorboard import SummaryWriter`，调用方式不变。
# 写出的是 TensorBoard 的标准事件文件，可以用 `tensorboard --logdir logs --port=6006` 打开
# （本章不启动服务器）。

# %%
from teachtorch.utils.tensorboard import SummaryWriter

log_dir = os.path.join(root, "logs")
writer = SummaryWriter(log_dir) # 在 logs 里面生成待展示文件

hwc = np.array(image)  # (H, W, C) 的 uint8，相当于笔记里 cv2.imread 的结果
writer.add_image('bees', hwc, 1, dataformats='HWC') # dataformats 显示指定图片格式为 height weight channel
for i in range(100):
    writer.add_scalar('y=x', i, i)
for index in range(10):
    image, _ = test_set[index]
    writer.add_image('CIFAR10', image_2_tensor(image), global_step=index)
writer.close()

# 笔记 000 的 logger 循环
logger = SummaryWriter(log_dir=os.path.join(root, "test"), flush_secs=2)
for ii in range(100):
    logger.add_scalar('data/loss', 10 - ii**0.5, ii)
    logger.add_scalar('data/accuracy', ii**0.5 / 10, ii)
logger.close()
files = os.listdir(log_dir)
print(len(files), all(f.startswith("events.out.tfevents.") for f in files))

# %% [markdown]
# `add_graph(model, input)` 记录模型的结构（TensorBoard 的 GRAPHS 页）：

# %%
net = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3), torch.nn.ReLU(), torch.nn.Flatten(),
                          torch.nn.Linear(4 * 26 * 26, 10))
with SummaryWriter(os.path.join(root, "graph")) as w:
    w.add_graph(net, images[:2])
print(len(os.listdir(os.path.join(root, "graph"))))

# %% [markdown]
# 把事件文件读回来：TensorBoard 自己的 `EventAccumulator` 能读 teachtorch 写的文件，
# 说明格式是真的。

# %%
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

acc = EventAccumulator(log_dir)
acc.Reload()
tags = acc.Tags()
print(tags["scalars"], tags["images"])
scalars = acc.Scalars("y=x")
print(len(scalars), [(s.step, s.value) for s in scalars[:3]], scalars[-1].value)
img_event = acc.Images("bees")[0]
print(img_event.step, img_event.width, img_event.height)
loss_acc = EventAccumulator(os.path.join(root, "test"))
loss_acc.Reload()
print([round(s.value, 4) for s in loss_acc.Scalars("data/loss")[:4]])
graph_acc = EventAccumulator(os.path.join(root, "graph"))
graph_acc.Reload()
print(graph_acc.Tags()["graph"])

# %% [markdown]
# ## 6. visdom：没有服务器时（笔记 000 · Visdom）
#
# visdom 需要先在另一个终端运行 `python -m visdom.server`（默认端口 8097）。本章**不**启动服务器，
# 所以连接立即失败，给出清楚的错误和 hint，不会卡住。有服务器时，下面注释里的就是笔记的调用。

# %%
from teachtorch.utils.visdom import Visdom

try:
    vis = Visdom(env=u'test1', use_incoming_socket=False)
    x = t.arange(1, 30, 0.01)
    y = t.sin(x)
    vis.line(X=x, Y=y, win='sinx', opts={'title': 'y=sin(x)'})
except (ConnectionError, ModuleNotFoundError) as err:  # no server, or visdom not installed
    print(type(err).__name__)
    print(err)
# 有服务器时：
# for ii in range(0, 10):
#     x = t.Tensor([ii]); y = x
#     vis.line(X=x, Y=y, win='polynomial', update='append' if ii > 0 else None)
# vis.image(t.randn(3, 64, 64).numpy(), win='random2')

# %% [markdown]
# ## 7. GPU（笔记 000 · 4.、笔记 003 · 异步计算、多GPU计算）
#
# 标准写法：先选 device，再把模型和每个输入都 `.to(device)`；同一份代码在有没有 GPU 的机器上都能跑。

# %%
print(torch.cuda.is_available(), torch.cuda.device_count())
device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
model = net.to(device)
out = model(images.to(device))
print(device, out.device)

# %% [markdown]
# ### 试一试：没有 GPU 时调用 `.cuda()`

# %%
try:
    images.cuda()
except AssertionError as err:
    print(err)

# %% [markdown]
# **GPU 是异步的**（笔记 003）：调用一个 GPU 运算时，Python 只是把它放进 GPU 的队列就返回了，
# 真正的计算稍后进行。因为每个设备按排队顺序执行、而 CPU↔GPU 拷贝（如 `.item()`、`.cpu()`）
# 会自动等待，所以结果和同步执行一样。但有两个后果：
#
# 1. 计时要先 `torch.cuda.synchronize()`，否则量到的只是"排队"的时间；
# 2. GPU 上的错误在运算**真正执行**时才报告，堆栈可能指向后面某一行。
#    设置环境变量 `CUDA_LAUNCH_BLOCKING=1` 让每次启动都等待完成，错误就指向引发它的那一行（但会变慢）。
#
# teachtorch 在 CPU 上用 NumPy 计算，本来就是同步的；这台机器没有 GPU，`synchronize` 也会给出同样的错误和 hint：

# %%
try:
    torch.cuda.synchronize()
except AssertionError as err:
    print(err.args[0].splitlines()[0])

# %% [markdown]
# **DataParallel**（笔记 003 · 多GPU计算）：`nn.DataParallel(net)` 把每个 batch 沿第 0 维切开，
# 分给每块 GPU 上的模型副本，再把输出拼起来。没有 GPU 时 `device_ids` 为空，它直接调用原模型；
# 但包装仍然改变了 `state_dict` 的键（多了 `module.` 前缀，见第 15 章）。

# %%
dp = torch.nn.DataParallel(net)
print(dp.device_ids, torch.equal(dp(images), net(images)))
print(next(iter(dp.state_dict())), "->", next(iter(dp.module.state_dict())))

# %% [markdown]
# **没有 GPU，也能检查 GPU 代码**：teachtorch 在 GPU 上用 CuPy。设置环境变量
# `TEACHTORCH_FAKE_CUDA=2` 后，它改用一个用 NumPy 模拟的 CuPy（`tests/support/simulated_cupy/`，测试用的辅助代码，不在包里）：
# `torch.cuda.is_available()` 为 True，`torch.cuda.get_device_name()` 返回 "simulated GPU (NumPy)"，
# `.cuda()`、`.to(device)` 都走 GPU 的代码路径。模拟和真的 CuPy 一样严格：GPU 数组不会悄悄变成 NumPy 数组，
# 也不能和 NumPy 数组混在一起运算，所以漏写 `xp = get_array_module(x)` 的地方会立刻报错。
# 它只检查代码移植得对不对，不会更快（计算仍在 CPU 上）。测试这样运行：`TEACHTORCH_FAKE_CUDA=2 pytest -m cuda tests/`。

# %% [markdown]
# ## 8. 现成的模型：打印与修改（笔记 001 · 4.9、笔记 000 · torchvision.models）
#
# `torchvision.models` 提供经典网络的结构（这里 `weights=None`，不下载预训练权重）。
# `vgg16` 参数很多，在 NumPy 上随机初始化一次要等很久，所以用同样由 `features` + `classifier` 组成的 `alexnet` 演示
# 笔记 4.9 的两种修改：`classifier.add_module(...)` 加一层，`classifier[6] = nn.Linear(4096, 10)` 替换一层。
# 对 `vgg16` 写法完全一样（它的最后一层也是 `classifier[6]`）。

# %%
torch.manual_seed(0)
resnet = torchvision.models.resnet18(weights=None)
print([name for name, _ in resnet.named_children()])
print(sum(p.numel() for p in resnet.parameters()))

# %%
torch.manual_seed(0)
alexnet = torchvision.models.alexnet(weights=None)
print(alexnet.classifier)
alexnet.classifier[6] = torch.nn.Linear(4096, 10)
alexnet.classifier.add_module("softmax", torch.nn.LogSoftmax(dim=1))
print(alexnet.classifier[6], list(alexnet.classifier._modules)[-2:])
alexnet.eval()
with torch.no_grad():
    print(alexnet(torch.randn(1, 3, 224, 224)).shape)

# %% [markdown]
# ## 9. 小项目：把一个训练过程完整地记到 TensorBoard
#
# 在 2000 张 MNIST 测试图片上训练一个小 softmax 分类器 1 轮：每 10 步记一次损失，
# 结束后记一张预测的图片网格，再读回来检查。

# %%
torch.manual_seed(0)
small_set = torch.utils.data.Subset(test_dataset, range(2000))
loader = torch.utils.data.DataLoader(small_set, batch_size=50, shuffle=True)
clf = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 10))
opt = torch.optim.SGD(clf.parameters(), lr=0.5)
run_dir = os.path.join(root, "runs", "softmax")
with SummaryWriter(run_dir) as w:
    for step, (xb, yb) in enumerate(loader):
        loss = torch.nn.functional.cross_entropy(clf(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 10 == 0:
            w.add_scalar("train/loss", loss.item(), step)
    w.add_image("predictions", make_grid(images), 0)
acc = EventAccumulator(run_dir)
acc.Reload()
print([(s.step, round(s.value, 4)) for s in acc.Scalars("train/loss")])
print(acc.Tags()["images"])

# %% [markdown]
# 损失从第 0 步的 2.2906（约等于 10 类随机猜的 ln 10 ≈ 2.3026）降到第 30 步的 0.5304。

# %% [markdown]
# ## 10. 练习
#
# 1. `make_grid` 把 16 张 28×28 的图片按 `nrow=4`、`padding=2` 拼，结果的形状是什么？
# 2. `transforms.Normalize(mean=[0.1307], std=[0.3081])` 作用在 MNIST 的第一张图上，均值大约是多少？
# 3. 有 GPU 的机器上，`nn.DataParallel(net).module is net` 吗？

# %% [markdown] tags=["hide-input"]
# **答案**（展开查看）

# %% tags=["hide-input"]
print(make_grid(images, nrow=4, padding=2).shape)  # (3, 4*28 + 5*2, 4*28 + 5*2)
mnist_norm = transforms.Compose([transforms.ToTensor(), transforms.Normalize(mean=[0.1307], std=[0.3081])])
print(round(mnist_norm(digit).mean().item(), 4))
print(dp.module is net)  # 是的：DataParallel 只是包了一层，原模型在 .module 里
workdir.cleanup()
