# %% [markdown]
# # 第 17 章　TensorBoard 与 visdom：把训练过程画出来
#
# **本章教什么**：用 TensorBoard 的 `SummaryWriter` 记录标量（`add_scalar`）、图片（`add_image` /
# `add_images`）和模型结构（`add_graph`），再用 TensorBoard 自己的读取器把事件文件读回来；
# visdom：有服务器时怎样用，没有服务器时怎样离线记录、以后再回放。
#
# **对应笔记**：`001_006c858c5f14514d.txt`（3. torch.utils.tensorboard 3.2–3.3）、
# `000_31b0c36760745ae4.txt`（chaper5 3. 可视化工具 Tensorboard 与 Visdom）。
#
# **直觉**：训练时把关心的数（损失、准确率、学习率……）按步数 `global_step` 写进日志文件，
# 每个 `tag` 是一条曲线；TensorBoard 是读这些文件、画曲线的网页。写和看是分开的两个程序。

# %%
import inspect
import json
import os
import tempfile
import textwrap

import matplotlib.pyplot as plt
import numpy as np
from PIL import Image

import teachtorch as t
import teachtorch as torch
import teachtorch.vision as torchvision
from teachtorch.vision import transforms
from teachtorch.vision.transforms import v2
from teachtorch.vision.utils import make_grid
from teachtorch.widgets import SourceView

torch.manual_seed(0)  # 之后所有随机数（打乱、初始化）都由它决定
workdir = tempfile.TemporaryDirectory()  # 本章写的文件都放在这里，最后删除
root = workdir.name

# %% [markdown]
# 先准备要记录的东西：一张 RGB 图片、一批 MNIST 测试图片，以及第 16 章那种合成的 CIFAR-10 文件
# （真实格式、假图片）。

# %%
mnist_raw = torchvision.datasets.MNIST(root=root, train=False)
digit, _ = mnist_raw[0]
image = Image.merge("RGB", [digit, digit.point(lambda v: v // 2), Image.new("L", digit.size, 40)])
image = image.resize((64, 64))
test_dataset = torchvision.datasets.MNIST(root=root, train=False, transform=transforms.ToTensor())
images, labels = next(iter(torch.utils.data.DataLoader(test_dataset, batch_size=16)))
image_2_tensor = v2.Compose([v2.ToImage(), v2.ToDtype(torch.float32, scale=True)]) #ToTensor
rng = np.random.default_rng(0)
fake = np.zeros((10, 32, 32, 3), dtype=np.uint8)
for i in range(10):
    fake[i, :, :] = rng.integers(0, 256, size=3)
    fake[i, 8:24, 8 + i:16 + i] = 255 - fake[i, 0, 0]
cifar_root = os.path.join(root, "cifar10")
torchvision.datasets.write_cifar10(cifar_root, fake, list(range(10)), train=False)
test_set = torchvision.datasets.CIFAR10(root=cifar_root, train=False)
print(image.size, images.shape, len(test_set))

# %% [markdown]
# ## 1. TensorBoard：SummaryWriter（笔记 001 · 3.2、笔记 000 · 可视化工具）
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
# ## 2. 一次记一批图片：`add_images`
#
# `add_image` 记一张 (C, H, W) 的图；`add_images` 记一批 (N, C, H, W)，TensorBoard 把它们排成网格显示，
# 相当于先 `make_grid` 再 `add_image`。

# %%
with SummaryWriter(os.path.join(root, "batch")) as w:
    w.add_images("mnist_batch", images, 0)
batch_acc = EventAccumulator(os.path.join(root, "batch"))
batch_acc.Reload()
event = batch_acc.Images("mnist_batch")[0]
print(batch_acc.Tags()["images"], event.width, event.height)

# %% [markdown]
# ## 3. visdom（笔记 000 · Visdom）
#
# visdom 和 TensorBoard 的分工不同：TensorBoard 先写文件、再由网页去读；visdom 的客户端把每次
# 画图的请求**直接发给**一个正在运行的服务器，网页实时更新。有服务器时，学习者这样用：
#
# 1. 在另一个终端运行 `python -m visdom.server`（默认端口 8097），浏览器打开 http://localhost:8097；
# 2. 在 notebook 里 `vis = Visdom(env='test1')`：`env` 是网页左上角可以切换的“环境”，
#    一个实验一个环境；
# 3. `vis.line(X=x, Y=y, win='sinx', opts={'title': ...})` 在名叫 `sinx` 的窗格里画一条曲线，
#    同一个 `win` 再画会替换它；`update='append'` 则把新的点接到原来的曲线后面——训练循环里
#    每一步追加一个点，就得到实时的损失曲线；
# 4. `vis.image(...)` / `vis.images(...)` 显示图片，`vis.text(...)` 显示文字。
#
# 本章**不**启动服务器，所以连接立即失败，给出清楚的错误和 hint，不会卡住：

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
# ### 没有服务器时：离线记录，以后回放
#
# `Visdom(offline=True, log_to_filename=路径)` 不连接服务器：每次画图调用照常执行，
# 客户端把本来要发给服务器的消息一行一个写进日志文件（JSON：`[接口, 消息]`，`events` 是新画一个窗格，
# `update` 是往窗格里追加）。等有了服务器，`vis.replay_log(路径)` 把它们按顺序重新发过去，
# 网页上就出现同样的图。下面运行笔记的两段调用：

# %%
vis_log = os.path.join(root, "visdom.log")
vis = Visdom(env=u'test1', offline=True, log_to_filename=vis_log, use_incoming_socket=False)
x = t.arange(1, 30, 0.01)
y = t.sin(x)
vis.line(X=x, Y=y, win='sinx', opts={'title': 'y=sin(x)'})
for ii in range(0, 10):
    # y = x
    x = t.Tensor([ii])
    y = x
    vis.line(X=x, Y=y, win='polynomial', update='append' if ii > 0 else None)
with open(vis_log) as f:
    records = [json.loads(line) for line in f]
print(len(records), "messages")
for endpoint, msg in records[:3]:
    trace = msg["data"][0]
    print(endpoint, msg["win"], msg["eid"], len(trace["x"]), "points",
          msg["layout"].get("title", ""))

# %% [markdown]
# 日志里就是服务器收到后要画的数据。不用服务器，也可以自己把它画出来看看：

# %%
fig, axes = plt.subplots(1, 2, figsize=(8, 2.5))
sinx = records[0][1]["data"][0]
axes[0].plot(sinx["x"], sinx["y"])
axes[0].set_title("win='sinx'")
poly = [msg["data"][0] for endpoint, msg in records if msg["win"] == "polynomial"]
axes[1].plot([p["x"][0] for p in poly], [p["y"][0] for p in poly], marker="o")
axes[1].set_title("win='polynomial' (10 appends)")
plt.tight_layout()
plt.show()

# %% [markdown]
# ### 打开源码：`add_scalar` 与 visdom 的包装
#
# `teachtorch/utils/tensorboard/writer.py` 里每个 `add_*` 都只有一两行：把值包成一条 summary
# （`summary.scalar` 检查它是一个数），连同 `global_step` 和时间写进事件文件（`_add`）。

# %%
from teachtorch.utils.tensorboard import writer as writer_module

SourceView(SummaryWriter.add_scalar)

# %%
SourceView(writer_module.SummaryWriter._add)

# %% [markdown]
# teachtorch 的 `Visdom` 是真正的 visdom 客户端的子类，只多做两件事：创建时先试着连接服务器
# （连不上立即报错，`offline=True` 或 `send=False` 时不连），以及在每个画图方法前把
# teachtorch 张量转成 NumPy 数组（真正的客户端只认识 PyTorch 的张量）。

# %%
SourceView(Visdom)

# %% [markdown]
# ## 4. 小项目：把一个训练过程完整地记到 TensorBoard
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
# ## 5. 小结
#
# * `SummaryWriter(log_dir)` 写 TensorBoard 的事件文件：`add_scalar(tag, value, step)` 一条曲线上的一个点，
#   `add_image` / `add_images` 图片，`add_graph` 模型结构；用 `tensorboard --logdir` 查看。
# * 事件文件是标准格式，TensorBoard 自己的 `EventAccumulator` 能读回来检查。
# * visdom 把画图请求直接发给服务器（`python -m visdom.server`，http://localhost:8097）：`env` 分实验，`win` 分窗格，
#   `update='append'` 追加点；没有服务器时连接立即失败并给出提示，或者用 `offline=True, log_to_filename=...`
#   把消息记进日志，以后 `replay_log` 回放。

# %% [markdown]
# ## 6. 练习
#
# 1. 用同一个 `tag` 在同一个 `global_step` 写两次 `add_scalar`，读回来有几个点？
# 2. 把第 4 节的学习率也记下来（`train/lr`），读回来检查它是一条水平线。
# 3. **改坏一行**：把 `SummaryWriter._add` 里的 `step = 0 if global_step is None else _as_int(global_step)`
#    改成 `step = 0`，用 `exec` 得到坏掉的方法，装进一个 `SummaryWriter` 的子类，写 5 个点再读回来，
#    和正常的写法对照步数。

# %% answer 练习 1～2
with SummaryWriter(os.path.join(root, "twice")) as w:
    w.add_scalar("x", 1.0, 0)
    w.add_scalar("x", 2.0, 0)
twice = EventAccumulator(os.path.join(root, "twice"))
twice.Reload()
print([(s.step, s.value) for s in twice.Scalars("x")])  # 两个点都在：TensorBoard 画图时会重叠
with SummaryWriter(os.path.join(root, "lr")) as w:
    for step in range(3):
        w.add_scalar("train/lr", opt.param_groups[0]["lr"], step)
lr_acc = EventAccumulator(os.path.join(root, "lr"))
lr_acc.Reload()
print([s.value for s in lr_acc.Scalars("train/lr")])

# %% answer 练习 3
source = textwrap.dedent(inspect.getsource(writer_module.SummaryWriter._add))
broken = source.replace("step = 0 if global_step is None else _as_int(global_step)", "step = 0")
assert broken != source
namespace = dict(vars(writer_module))
exec(broken, namespace)


class BrokenWriter(SummaryWriter):
    _add = namespace["_add"]


for cls in (SummaryWriter, BrokenWriter):
    folder = os.path.join(root, cls.__name__)
    with cls(folder) as w:
        for step in range(5):
            w.add_scalar("loss", 1.0 / (step + 1), step)
    check = EventAccumulator(folder)
    check.Reload()
    print(cls.__name__, [s.step for s in check.Scalars("loss")])
# 坏掉的版本把 5 个点都记在第 0 步：TensorBoard 里只剩一条竖线

# %%
workdir.cleanup()  # 删除本章写的所有文件
