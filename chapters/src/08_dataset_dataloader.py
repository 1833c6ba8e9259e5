# %% [markdown]
# # 第 8 章　Dataset 与 DataLoader
#
# **本章教什么**：`Dataset` 提供"第 i 个样本"；`DataLoader` 负责按批取样本、打乱顺序、
# 用多个进程并行读取、把样本拼成批（collate）；`sampler` 决定取样顺序。
#
# **对应笔记**：`000_31b0c36760745ae4.txt`（chaper5 1. 数据处理；补充 2. 数据集加载）、
# `001_006c858c5f14514d.txt`（1. 加载数据）、`002_0b1e019c38618b4a.txt`（加载数据集）。

# %%
import numpy as np

import teachtorch as torch
from teachtorch.utils.data import (BatchSampler, DataLoader, Dataset, RandomSampler,
                                   SequentialSampler, Subset, TensorDataset,
                                   WeightedRandomSampler, random_split)

torch.manual_seed(0)

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
# 在 Windows 上，使用多进程的代码必须放在 `if __name__ == '__main__':` 之下（笔记 002）。

# %%
from teachtorch.utils.data import get_worker_info


class WhoLoadsMe(Dataset):
    def __getitem__(self, index):
        info = get_worker_info()
        return index, -1 if info is None else info.id

    def __len__(self):
        return 8


if __name__ == "__main__":
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
# ## 7. 小项目：按长度分桶的 batch_sampler
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
# ## 8. 练习
#
# 1. 10 个样本、`batch_size=4`、`drop_last=False`，`len(loader)` 是多少？`drop_last=True` 呢？
# 2. 写一个 `collate_fn`，把一批不同长度的整数列表用 0 填充成同样长度的张量。
# 3. `random_split(data, [0.7, 0.3])` 会得到多大的两部分？

# %% answer
print(len(DataLoader(ds, 4)), len(DataLoader(ds, 4, drop_last=True)))


def pad_collate(batch):
    longest = max(len(seq) for seq in batch)
    return torch.tensor([seq + [0] * (longest - len(seq)) for seq in batch])


print(DataLoader([[1, 2, 3], [4], [5, 6]], batch_size=3, collate_fn=pad_collate).__iter__().__next__())
parts = random_split(data, [0.7, 0.3], generator=torch.Generator().manual_seed(0))
print([len(p) for p in parts])
