# %% [markdown]
# # 第 8 章　Dataset 与 DataLoader
#
# **本章教什么**：`Dataset` 提供“第 i 个样本”；`DataLoader` 负责按批取样本、打乱顺序、
# 用多个进程并行读取、把样本拼成批（collate）；`sampler` 决定取样顺序。
#
# **对应笔记**：`000_31b0c36760745ae4.txt`（chaper5 1. 数据处理；补充 2. 数据集加载）、
# `001_006c858c5f14514d.txt`（1. 加载数据）、`002_0b1e019c38618b4a.txt`（加载数据集）、
# `003_72661a104065fcb5.txt`（梯度的累积的作用：低显存跑大 batch）。
#
# **直觉**：训练时每一步只用一小批（mini-batch）样本估计梯度
# $\nabla L \approx \frac{1}{B}\sum_{i \in \text{batch}} \nabla \ell_i$。
# 一轮（epoch）把全部 $N$ 个样本分成 $\lceil N/B \rceil$ 批（`drop_last=True` 时是 $\lfloor N/B \rfloor$）。
# `Dataset` 回答“第 i 个样本是什么”，`DataLoader` 回答“这一批是哪几个样本、怎么拼成张量”。

# %%
import inspect

import numpy as np

import teachtorch as torch
from teachtorch.utils.data import (BatchSampler, DataLoader, Dataset, RandomSampler,
                                   SequentialSampler, Subset, TensorDataset,
                                   WeightedRandomSampler, random_split)
from teachtorch.widgets import DataLoaderView

_ = torch.manual_seed(0)  # 固定随机种子（它返回的 Generator 不必打印）

# %% [markdown]
# ## 1. 自己写一个 Dataset
#
# 只需实现 `__getitem__`（返回第 index 个样本）和 `__len__`（样本个数）。
# 笔记 002 提到两种思路：一次把数据全部读进内存，或者用到时再读（数据太大时）。

# %%
class SquaresDataset(Dataset):
    """第 i 个样本是 (i, i*i)。"""

    def __init__(self, n):
        self.n = n

    def __getitem__(self, index):
        return torch.tensor([float(index)]), torch.tensor([float(index * index)])

    def __len__(self):
        return self.n


ds = SquaresDataset(10)
print(len(ds), ds[3])

# %% [markdown]
# ## 2. DataLoader：分批与 collate
#
# 笔记 001：`data_loader = DataLoader(dataset=dataset, batch_size=64)`，
# `image, target = next(iter(data_loader))`。默认的 `collate_fn` 把一批样本中对应位置的
# 张量 `stack` 起来，所以 4 个 (1,) 形状的 x 变成一个 (4, 1) 的批。

# %%
loader = DataLoader(dataset=ds, batch_size=4)
x, y = next(iter(loader))
print(x.shape, y.view(-1))
for i, (x, y) in enumerate(loader):
    print(i, x.view(-1).tolist())
print("len(loader) =", len(loader))

# %% [markdown]
# `drop_last=True` 丢掉最后不满一批的样本；`shuffle=True` 每轮打乱顺序
# （在 `torch.manual_seed` 之后可以复现）。

# %%
for drop_last in (False, True):
    print(drop_last, [b[0].view(-1).tolist() for b in DataLoader(ds, 4, drop_last=drop_last)])
torch.manual_seed(1)
print([b[0].view(-1).int().tolist() for b in DataLoader(ds, 4, shuffle=True)])
torch.manual_seed(1)
print([b[0].view(-1).int().tolist() for b in DataLoader(ds, 4, shuffle=True)])

# %% [markdown]
# ### 小部件：DataLoaderView
#
# 一轮里每个样本落进了哪一批？拖动滑块改变样本数、`batch_size`、`shuffle`、`drop_last`、sampler 和种子，
# 下面是一个真正的 DataLoader 跑出来的结果。

# %%
dl_view = DataLoaderView(n=10, batch_size=4)
dl_view

# %%
for shuffle, drop_last in ((False, False), (False, True), (True, False)):
    dl_view.controls["shuffle"].value, dl_view.controls["drop_last"].value = shuffle, drop_last
    print(f"shuffle={shuffle!s:5} drop_last={drop_last!s:5} batches={dl_view.state['batches']}"
          f" unused={dl_view.state['unused']}")
assert dl_view.state["n_batches"] == 3

# %% [markdown]
# 默认 collate 也能处理字典、元组、数字和字符串（字符串保持为列表）：

# %%
samples = [{"name": "Ada", "age": 36, "score": torch.tensor([0.5, 0.7])},
           {"name": "Bob", "age": 41, "score": torch.tensor([0.1, 0.9])}]
batch = DataLoader(samples, batch_size=2).__iter__().__next__()
print(batch)

# %% [markdown]
# ## 3. sampler：决定取样的顺序
#
# `shuffle=True` 其实就是用了 `RandomSampler`；`BatchSampler` 把下标分组；
# `WeightedRandomSampler` 按权重有放回地抽样，常用于类别不平衡的数据。

# %%
print(list(SequentialSampler(range(6))))
torch.manual_seed(0)
print(list(RandomSampler(range(6))))
print(list(BatchSampler(SequentialSampler(range(7)), batch_size=3, drop_last=False)))
torch.manual_seed(0)
weights = [0.1, 0.1, 0.1, 0.1, 0.1, 5.0]
print(list(WeightedRandomSampler(weights, num_samples=10, replacement=True)))

# %% [markdown]
# ## 4. 切分数据集
#
# `random_split` 按长度（或比例）随机切分；`Subset` 取出指定下标；
# `TensorDataset` 把若干个第一维相同的张量包成数据集。

# %%
data = TensorDataset(torch.arange(10).float().view(10, 1), torch.arange(10) % 2)
train, test = random_split(data, [8, 2], generator=torch.Generator().manual_seed(42))
print(len(train), len(test), test.indices)
print(Subset(data, [0, 5])[1])

# %% [markdown]
# ## 5. num_workers：真正的多进程
#
# `num_workers=2` 时，DataLoader 启动两个**子进程**读取数据，主进程只负责训练。
# 用 `get_worker_info()` 可以在 `__getitem__` 里看到自己在哪个进程里。
#
# 笔记 002 说：在 Windows 上，使用多进程的代码必须放在 `if __name__ == '__main__':` 之下。
# 这是对 **.py 脚本**而言的：Windows 和 macOS 默认用 spawn 启动子进程，子进程会重新导入主脚本。
# 在 notebook 里 `__name__` 永远是 `'__main__'`，加这一行不改变任何事；更要紧的是，spawn 平台上
# 子进程导入不了 notebook，**在 notebook 里定义的** Dataset 类传不过去（会报无法 pickle / 找不到属性）。
# 这时把 Dataset 写进一个 .py 文件再 import，或者用 `num_workers=0`。这台 Linux 机器用 fork，所以下面能运行。

# %%
from teachtorch.utils.data import get_worker_info


class WhoLoadsMe(Dataset):
    def __getitem__(self, index):
        info = get_worker_info()
        return index, -1 if info is None else info.id

    def __len__(self):
        return 8


for num_workers in (0, 2):
    loader = DataLoader(WhoLoadsMe(), batch_size=2, num_workers=num_workers)
    print(num_workers, [(b[0].tolist(), b[1].tolist()) for b in loader])

# %% [markdown]
# 批的顺序与 `num_workers=0` 完全相同：worker 0 读第 0、2 批，worker 1 读第 1、3 批，
# 主进程按顺序把它们交给你。

# %% [markdown]
# ## 6. 试一试：worker 里的异常
#
# 子进程里出了错，DataLoader 会在主进程里重新抛出，并告诉你是哪个 worker、原始的 traceback。

# %%
class Broken(Dataset):
    def __getitem__(self, index):
        if index == 5:
            raise ValueError(f"sample {index} is corrupt")
        return index

    def __len__(self):
        return 8


try:
    for batch in DataLoader(Broken(), batch_size=2, num_workers=2):
        pass
except ValueError as err:
    print(str(err).splitlines()[0])
    print(str(err).strip().splitlines()[-1])

# %% [markdown]
# ## 7. 打开源码：DataLoader 的迭代器与 default_collate
#
# `for batch in loader` 先调用 `DataLoader.__iter__`（`teachtorch/utils/data/dataloader.py`）：
# `num_workers == 0` 时返回 `_SingleProcessIter`，否则启动 worker 进程的 `_MultiProcessIter`。

# %%
from teachtorch.utils.data import _iterators, _worker, collate

print(inspect.getsource(DataLoader.__iter__))

# %% [markdown]
# 单进程迭代器的 `__next__`（`teachtorch/utils/data/_iterators.py`）只做两件事：
# 从 sampler 取下一批下标，交给 `_worker.fetch` 取样本并 collate。多进程时，worker 进程里跑的也是同一个 `fetch`。

# %%
print(inspect.getsource(_iterators._SingleProcessIter.__next__))
print(inspect.getsource(_worker.fetch))

# %% [markdown]
# `default_collate`（`teachtorch/utils/data/collate.py`）按**第一个样本**的结构递归地拼：
# 张量 `stack`，Python 整数变成 int64 张量、浮点数变成 float64 张量，字符串保持列表，
# 字典按键、元组按位置分别拼。

# %%
print(inspect.getsource(collate.default_collate))

# %% [markdown]
# ## 8. 梯度累积：用小显存跑大 batch
#
# 笔记 003 问“梯度的累积的作用？”，答案是“实现低显存跑大 batchsize”。原理就是梯度会累加（第 4 章）：
# 大小为 $B$ 的一批的平均损失，等于把它切成 $k$ 个小批、每个小批的平均损失除以 $k$ 再相加：
#
# $$\frac{1}{B}\sum_{i=1}^{B}\ell_i = \sum_{j=1}^{k} \frac{1}{k}\Big(\frac{1}{B/k}\sum_{i \in \text{小批}_j}\ell_i\Big).$$
#
# 所以每个小批 `(loss / k).backward()`，攒够 $k$ 个再 `step()` 和 `zero_grad()`，
# 得到的梯度与一次算整批相同，而同一时刻内存里只有一个小批的计算图。

# %%
torch.manual_seed(0)
features, targets = torch.randn(32, 5), torch.randn(32, 1)
model = torch.nn.Linear(5, 1)
criterion = torch.nn.MSELoss()

criterion(model(features), targets).backward()  # 一次算 32 个
full_grad = model.weight.grad.clone()
model.zero_grad()

k = 4  # 切成 4 个大小为 8 的小批
for x_small, y_small in DataLoader(TensorDataset(features, targets), batch_size=8):
    (criterion(model(x_small), y_small) / k).backward()  # 梯度累加进 .grad
print(torch.allclose(full_grad, model.weight.grad, atol=1e-6))
print(full_grad)
print(model.weight.grad)

# %% [markdown]
# 训练循环里的写法（`accumulation_steps` 个小批更新一次）：
#
# ```python
# for i, (inputs, labels) in enumerate(loader):
#     loss = criterion(model(inputs), labels) / accumulation_steps
#     loss.backward()
#     if (i + 1) % accumulation_steps == 0:
#         optimizer.step()
#         optimizer.zero_grad()
# ```

# %% [markdown]
# ## 9. 小项目：按长度分桶的 batch_sampler
#
# 文本数据里，把长度相近的样本放进同一个批可以减少填充。写一个 `batch_sampler`，
# 先按长度排序，再每 3 个一批。

# %%
words = ["a", "tensor", "is", "an", "array", "with", "autograd", "on", "top"]


class ByLength:
    def __init__(self, data, batch_size):
        order = sorted(range(len(data)), key=lambda i: (len(data[i]), i))
        self.batches = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]

    def __iter__(self):
        return iter(self.batches)

    def __len__(self):
        return len(self.batches)


for batch in DataLoader(words, batch_sampler=ByLength(words, 3)):
    print(batch)

# %% [markdown]
# ## 10. 小结
#
# * `Dataset` 只需 `__getitem__` 和 `__len__`；`DataLoader` 用 sampler 决定顺序、按 `batch_size` 分组，
#   再用 `collate_fn` 拼成张量。`shuffle=True` 就是 `RandomSampler`，在 `torch.manual_seed` 之后可以复现。
# * `num_workers > 0` 启动子进程读取数据，批的顺序不变；`if __name__ == '__main__':` 是写给 .py 脚本的，
#   spawn 平台上 notebook 里定义的 Dataset 传不到子进程。
# * `random_split`、`Subset`、`TensorDataset` 切分和包装数据。
# * 梯度累积：每个小批 `(loss / k).backward()`，攒够 $k$ 个再 `step()`，等价于大小为 $kB$ 的一批。

# %% [markdown]
# ## 11. 练习
#
# 1. 10 个样本、`batch_size=4`、`drop_last=False`，`len(loader)` 是多少？`drop_last=True` 呢？
# 2. 写一个 `collate_fn`，把一批不同长度的整数列表用 0 填充成同样长度的张量。
# 3. `random_split(data, [0.7, 0.3])` 会得到多大的两部分？
# 4. 梯度累积时如果忘了除以 `k`，累积出的梯度和整批的梯度是什么关系？
# 5. **改坏一行**：把 `default_collate` 里整数那一支的 `dtype=np.int64` 改成 `dtype=np.int32`，
#    用 `exec` 得到坏掉的 `default_collate`，拼一批整数标签 `[3, 1, 2]`，和 PyTorch 的行为（int64）比较。
#    为什么 dtype 不对会让 `CrossEntropyLoss` 出问题？

# %% answer 练习 1～3
print(len(DataLoader(ds, 4)), len(DataLoader(ds, 4, drop_last=True)))


def pad_collate(batch):
    longest = max(len(seq) for seq in batch)
    return torch.tensor([seq + [0] * (longest - len(seq)) for seq in batch])


print(DataLoader([[1, 2, 3], [4], [5, 6]], batch_size=3, collate_fn=pad_collate).__iter__().__next__())
parts = random_split(data, [0.7, 0.3], generator=torch.Generator().manual_seed(0))
print([len(p) for p in parts])

# %% answer 练习 4
model.zero_grad()
for x_small, y_small in DataLoader(TensorDataset(features, targets), batch_size=8):
    criterion(model(x_small), y_small).backward()  # 忘了除以 k
print(torch.allclose(model.weight.grad, k * full_grad, atol=1e-5))  # 正好大 k 倍：相当于学习率乘 k

# %% answer 练习 5
source = inspect.getsource(collate.default_collate)
broken = source.replace("return Tensor._make(np.array(batch, dtype=np.int64))",
                        "return Tensor._make(np.array(batch, dtype=np.int32))")
assert broken != source
namespace = dict(vars(collate))
exec(broken, namespace)
print("原来的:", collate.default_collate([3, 1, 2]).dtype)
print("改坏的:", namespace["default_collate"]([3, 1, 2]).dtype)
# 分类的目标要是 int64（Long）：PyTorch 的 CrossEntropyLoss / NLLLoss 拒绝 int32 的目标
