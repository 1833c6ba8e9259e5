# %% [markdown]
# # 第 16 章　视觉工具：transforms、datasets、make_grid 与现成的模型
#
# **本章教什么**：`transforms` 怎样把 PIL 图片变成张量（ToTensor、Normalize、Resize、Compose，
# 以及 v2 的写法）；`datasets.MNIST` / `CIFAR10` 与 DataLoader；用 `make_grid` 拼图、`save_image` 存图；
# 打印与修改现成的模型（alexnet / vgg）。TensorBoard 与 visdom 在第 17 章，GPU 在第 18 章。
#
# **对应笔记**：`001_006c858c5f14514d.txt`（2. torchvision.transforms 2.1–2.5；3.3；4.9 使用和修改现有模型）、
# `000_31b0c36760745ae4.txt`（chaper5 常用工具模块：2. torchvision；chaper 6 补充 · 2. 数据集加载）。
#
# **直觉**：网络要的是 (C, H, W)、float32、数值在一个小范围里的张量；图片文件给的是 (H, W, C)、
# uint8、0–255 的像素。transforms 就是这中间的“流水线”：`ToTensor` 做 $x / 255$ 并把通道挪到前面，
# `Normalize` 做 $(x - \mu) / \sigma$。

# %%
import inspect
import os
import tempfile

import numpy as np
from PIL import Image, ImageDraw

import teachtorch as torch
import teachtorch.vision as torchvision
from teachtorch.vision import transforms
from teachtorch.vision.transforms import v2
from teachtorch.widgets import SourceView

torch.manual_seed(0)  # 之后所有随机数（randn、初始化）都由它决定
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
# 打开源码：`transforms.Normalize` 只记下 `mean`、`std`，`apply` 交给函数式的 `F.normalize`；
# 后者先检查输入（必须是 float 张量、至少 3 维，`std` 不能为 0），再把 `mean`、`std` 变成
# (C, 1, 1) 的张量，靠广播（第 3 章）对每个通道做 $(x - \mu_c)/\sigma_c$。

# %%
SourceView(transforms.Normalize)

# %%
from teachtorch.vision.transforms import functional as TF

SourceView(TF.normalize)

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
# ### 打开源码：`ToTensor`
#
# `transforms.ToTensor()` 只是把图片交给 `teachtorch/vision/transforms/functional.py` 的 `to_tensor`：
# 转成数组、`transpose(2, 0, 1)` 把通道挪到最前面、uint8 除以 255。

# %%
SourceView(TF.to_tensor)

# %% [markdown]
# ## 5. 现成的模型：打印与修改（笔记 001 · 4.9、笔记 000 · torchvision.models）
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
alexnet.classifier.add_module("add_linear", torch.nn.Linear(1000, 10))  # 方式一：末尾加一层
print(list(alexnet.classifier._modules)[-2:])
del alexnet.classifier.add_linear
alexnet.classifier[6] = torch.nn.Linear(4096, 10)  # 方式二：替换最后一层
print(alexnet.classifier[6], list(alexnet.classifier._modules)[-2:])
alexnet.eval()
with torch.no_grad():
    print(alexnet(torch.randn(1, 3, 224, 224)).shape)

# %% [markdown]
# ## 6. 小结
#
# * `ToTensor`：(H, W, C) uint8 → (C, H, W) float32，除以 255；`Normalize`：每个通道 $(x-\mu)/\sigma$；
#   `Compose` 把它们串起来，顺序要对（先 ToTensor 再 Normalize）。v2 把 ToTensor 拆成 `ToImage` + `ToDtype`。
# * `datasets.MNIST` / `CIFAR10` 读真实的文件格式，配合 DataLoader 得到 (B, C, H, W) 的批。
# * `make_grid` 把一批图片拼成一张，`save_image` 直接存 PNG。
# * 现成的模型用 `add_module` 加层、用下标替换层；分类头后面**不要**再加 softmax，`CrossEntropyLoss` 自己会做。

# %% [markdown]
# ## 7. 练习
#
# 1. `make_grid` 把 16 张 28×28 的图片按 `nrow=4`、`padding=2` 拼，结果的形状是什么？
# 2. `transforms.Normalize(mean=[0.1307], std=[0.3081])` 作用在 MNIST 的第一张图上，均值大约是多少？
# 3. 把 alexnet 的 `classifier[6]` 换成 `nn.Linear(4096, 2)` 之后，模型一共少了多少个参数？
# 4. **改坏一行**：把 `to_tensor` 里的 `arr = arr.transpose(2, 0, 1)` 删掉（通道没有挪到前面），
#    用 `exec` 得到坏掉的函数，和 v2 的 `ToImage` + `ToDtype`（另一份实现）对照，看检查失败。

# %% answer 练习 1～3
print(make_grid(images, nrow=4, padding=2).shape)  # (3, 4*28 + 5*2, 4*28 + 5*2)
mnist_norm = transforms.Compose([transforms.ToTensor(), transforms.Normalize(mean=[0.1307], std=[0.3081])])
print(round(mnist_norm(digit).mean().item(), 4))
before = 4096 * 10 + 10  # 现在的 classifier[6]
after = 4096 * 2 + 2
print(before - after)  # 比 10 类的头少 32776 个；比原来 1000 类的头少 4096*998 + 998 个

# %% answer 练习 4
source = inspect.getsource(TF.to_tensor)
broken = source.replace("    arr = arr.transpose(2, 0, 1)\n", "")
assert broken != source
namespace = dict(vars(TF))
exec(broken, namespace)
reference = image_2_tensor(image)  # v2：ToImage + ToDtype
print(torch.equal(TF.to_tensor(image), reference))
bad = namespace["to_tensor"](image)
print(tuple(bad.shape), "instead of", tuple(reference.shape))  # (H, W, C)：通道留在最后

# %%
workdir.cleanup()  # 删除本章写的所有文件
