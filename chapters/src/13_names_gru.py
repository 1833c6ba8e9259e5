# %% [markdown]
# # 第 13 章　名字分类：双向 GRU 与 pack_padded_sequence
#
# **本章教什么**：用真实的名字数据（约 1.3 万个训练名字、18 个国家）训练笔记里的
# 双向两层 GRU 分类器：`NameDataset` 读 `.csv.gz`，`names_to_matrix` 把名字变成 ASCII 码并补零，
# `Embedding(128, 100)` + `GRU(100, 100, num_layers=2, bidirectional=True)` + `Linear`；
# 笔记代码里 `torch.cat([x[-1], x[-1]])` 的小 bug 以及正确写法；训练曲线；
# 用 `pack_padded_sequence` 让 RNN 跳过补上的 0（先按长度降序排序，`enforce_sorted`，
# `pad_packed_sequence`）。
#
# **对应笔记**：`002_0b1e019c38618b4a.txt`（循环神经网络 · 名字分类的最后一个大代码块，
# 以及其后关于 pack_padded_sequence 的说明）。

# %%
import csv
import gzip

import inspect

import matplotlib.pyplot as plt
import numpy as np

import teachtorch as torch
from teachtorch import data_files
from teachtorch.utils.data import DataLoader, Dataset
from teachtorch.widgets import RNNUnrollView, SourceView

FAST = True  # True：只训练 1 轮，几秒钟；False：按笔记训练 30 轮
_ = torch.manual_seed(0)  # 之后所有随机数（打乱、初始化）都由它决定（赋给 _：不打印生成器的内存地址）

# %% [markdown]
# ## 1. 数据：NameDataset
#
# 笔记里的文件路径是 `D:\\Dataset\\...`；这里换成随 teachtorch 一起发的同一份文件
# `data_files.path("names/names_train.csv.gz")`，其余代码和笔记一样。

# %%
BEDDING_SIZE = 100
HIDDEN_SIZE = 100
BATCH_SIZE = 256
N_LAYER = 2  # 使用2层GRU
N_CHARS = 128  # ASCII码表中有128个字符


class NameDataset(Dataset):
    def __init__(self, is_train_set=True):
        # 通过csv和gzip包从.gz文件中读取.csv文件的数据
        fileName = data_files.path("names/names_train.csv.gz") if is_train_set \
            else data_files.path("names/names_test.csv.gz")
        with gzip.open(fileName, 'rt') as f:
            reader = csv.reader(f)
            rows = list(reader)
        # 获取数据集，names即inputs，countries即labels
        self.names = [row[0] for row in rows]
        self.len = len(self.names)
        self.countries = [row[1] for row in rows]
        self.country_list = list(sorted(set(self.countries)))
        self.country_dict = self.getCountryDict()
        self.country_num = len(self.country_list)

    def __getitem__(self, item):
        return self.names[item], self.country_dict[self.countries[item]]

    def __len__(self):
        return self.len

    def getCountryDict(self):
        country_dict = dict()
        for index, country_name in enumerate(self.country_list, 0):
            country_dict[country_name] = index
        return country_dict

    def indexToCountry(self, index):
        return self.country_list[index]

    def getCountriesNum(self):
        return self.country_num


trainSet = NameDataset(is_train_set=True)
train_loader = DataLoader(trainSet, batch_size=BATCH_SIZE, shuffle=True)
testSet = NameDataset(is_train_set=False)
test_loader = DataLoader(testSet, batch_size=BATCH_SIZE, shuffle=False)

N_COUNTRY = trainSet.getCountriesNum()
print(len(trainSet), len(testSet), N_COUNTRY)
print(trainSet[0], trainSet.indexToCountry(trainSet[0][1]))
print(trainSet.country_list)

# %% [markdown]
# ## 2. 名字 → 矩阵：ASCII 码 + 补零 + 转置
#
# 每个 batch 内补到这个 batch 最长名字的长度；转置后形状是 (seqLen, batchSize)，
# 因为 GRU 默认 `batch_first=False`。

# %%
# 为数据集做填充，使得每组数据的输入序列一样长
# 这里的maxLen是每个batch内的maxLen，不是整个数据集的maxLen
# 比如["ABCD","BCD"]转为[[65,66,67,68],[66,67,68,0]]
def fix(matrix, maxLen):
    for row in matrix:
        assert len(row) <= maxLen
        for i in range(len(row), maxLen):
            row.append(0)
    return matrix


# 将字符串转为ASCII编码，比如["ABCD","BCD"]转为[[65,66,67,68],[66,67,68]]
def names_to_matrix(names):
    matrix = []
    maxLen = -1
    for name in names:
        row = []
        maxLen = max(maxLen, len(name))
        for ch in name:
            row.append(ord(ch))
        matrix.append(row)

    # 填充使得全部输入的序列长度相同
    matrix = fix(matrix, maxLen)
    # 转置是为了将形状调整为(seqLen, batchSize)
    return np.transpose(matrix)


print(names_to_matrix(["ABCD", "BCD"]))
names, countries = next(iter(train_loader))
print(type(names).__name__, len(names), countries.shape, countries.dtype)
print(torch.LongTensor(names_to_matrix(names)).shape)

# %% [markdown]
# ## 3. 模型：笔记原文（带一个小 bug）
#
# `self.gru(x)` 返回 `(output, h_n)`；`h_n` 的形状是 (num_layers × num_directions, batch, hidden)，
# 按 “第 0 层正向、第 0 层反向、第 1 层正向、第 1 层反向” 排列。所以最后一层的
# **正向**是 `h_n[-2]`，**反向**是 `h_n[-1]`。笔记写的是 `torch.cat([x[-1], x[-1]])`：
# 把反向的隐藏状态拼了两次，正向那一半根本没用上。代码照样能跑、也能学到东西
# （反向 GRU 读完了整个名字），只是白白浪费了一半的模型。

# %%
# 实现前向传播的过程中，如果对维数有疑问，可以查阅官方文档中对返回值shape的说明
class MyModule(torch.nn.Module):
    def __init__(self, input_size, embedding_size, hidden_size, num_layers, bidirectional, output_size):
        super(MyModule, self).__init__()
        self.num_directions = 2 if bidirectional else 1

        self.embedding = torch.nn.Embedding(input_size, embedding_size)
        self.gru = torch.nn.GRU(input_size=embedding_size,
                                hidden_size=hidden_size,
                                num_layers=num_layers,
                                bidirectional=bidirectional)
        self.fc = torch.nn.Linear(hidden_size * self.num_directions, output_size)

    def forward(self, x):
        x = self.embedding(x)
        _, x = self.gru(x)

        # RNN可能有好几层，当为单向RNN时，我们取最后一层的隐藏节点
        # 当为双向RNN时，我们取最后一层的两个方向隐藏节点，并按行方向（左右）拼接在一起
        if self.num_directions == 2:
            x = torch.cat([x[-1], x[-1]], dim=-1)  # 笔记原文：正向那一半丢了
        else:
            x = x[-1]

        x = self.fc(x)
        return x.view(-1, N_COUNTRY)


class FixedModule(MyModule):
    """和笔记一样，只把最后一层的两个方向都用上：h_n[-2] 正向，h_n[-1] 反向。"""

    def forward(self, x):
        x = self.embedding(x)
        _, x = self.gru(x)
        if self.num_directions == 2:
            x = torch.cat([x[-2], x[-1]], dim=-1)
        else:
            x = x[-1]
        return self.fc(x).view(-1, N_COUNTRY)


torch.manual_seed(0)
model = MyModule(N_CHARS, BEDDING_SIZE, HIDDEN_SIZE, N_LAYER, True, N_COUNTRY)
x = torch.LongTensor(names_to_matrix(["Adsit", "Ajdrna"]))
out, h_n = model.gru(model.embedding(x))
print("output:", out.shape, " h_n:", h_n.shape)
# output 的最后一个时刻的前 100 维 = 最后一层正向的 h_n[-2]；
# output 第一个时刻的后 100 维 = 最后一层反向的 h_n[-1]（反向从末尾读到开头）
print(torch.allclose(out[-1, :, :HIDDEN_SIZE], h_n[-2]),
      torch.allclose(out[0, :, HIDDEN_SIZE:], h_n[-1]))
print(model(x).shape)

# %% [markdown]
# ## 4. GRU 的门（小部件）
#
# GRU 的公式见第 12 章第 6 节：更新门 $z_t$ 接近 1 时 $h_t = (1 - z_t)\odot n_t + z_t \odot h_{t-1}$
# 直接把旧状态抄过去，这条“捷径”让梯度传得比普通 RNN 远。在小部件里切换 stage 看每个门的取值，
# 拖动 time step 看它随时间的变化。

# %%
unroll = RNNUnrollView(cell="gru", seq_len=8, hidden_size=4)
unroll

# %%
unroll.controls["time"].value = 5
unroll.controls["stage"].value = "update"
print(unroll.state["equation"])
print("z_5 =", [round(v, 4) for v in unroll.state["stage_values"]])
gru_ratio = unroll.state["ratio_first_last"]
unroll.controls["cell"].value = "rnn"
print(f"|dh_T/dx_1| / |dh_T/dx_T|  gru: {gru_ratio:.4f}  rnn: {unroll.state['ratio_first_last']:.4f}")
unroll.controls["cell"].value = "gru"
assert unroll.state["error"] is None

# %% [markdown]
# ## 5. 训练与测试（笔记原文）
#
# `FAST = True` 时只训练 1 轮。笔记训练 30 轮并画出准确率曲线；这里在笔记的 `train()` 里加了两行，
# 每 13 个 batch 记一次当前 batch 的损失和测试集（留出的名字）上的准确率，训练完画出两个模型的曲线。
# 用 `FAST = False` 跑满 30 轮（每个模型每轮约 4 秒）：两个版本都在第 10～15 轮达到约 0.83
# （最高 0.8381 / 0.8336），之后停住，而训练损失还在降（最后一个 batch 约 0.19）：开始过拟合了。

# %%
criterion = torch.nn.CrossEntropyLoss()


def evaluate():
    """测试集上的准确率（0～1 之间的小数），不打印。"""
    correct = 0
    with torch.no_grad():
        for names, countries in test_loader:
            y_pred = model(torch.LongTensor(names_to_matrix(names)))
            correct += (y_pred.argmax(dim=1) == countries).sum().item()
    return correct / len(testSet)


curves = {}  # 模型名 -> [(batch 序号, 损失, 测试准确率)]


def train():
    global step
    for (names, countries) in train_loader:
        names = names_to_matrix(names)
        names = torch.LongTensor(names)
        countries = torch.LongTensor(countries)

        y_pred = model(names)
        loss = criterion(y_pred, countries)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        step += 1  # 新加：记录曲线
        if step % 13 == 0:
            curves[name].append((step, loss.item(), evaluate()))
    return loss.item()


def test(current_epoch):
    correct = 0
    total = 0
    with torch.no_grad():
        for (names, countries) in test_loader:
            names = names_to_matrix(names)
            names = torch.LongTensor(names)
            countries = torch.LongTensor(countries)

            y_pred = model(names)
            _, index = y_pred.max(dim=1)

            correct += (index == countries).sum().item()
            total += countries.size(0)
    accuracy = correct / total
    print(current_epoch, "test accuracy:", round(accuracy, 4))
    return accuracy


N_EPOCHS = 1 if FAST else 30
results = {}
for name, cls in [("notes x[-1], x[-1]", MyModule), ("fixed x[-2], x[-1]", FixedModule)]:
    torch.manual_seed(0)
    model = cls(N_CHARS, BEDDING_SIZE, HIDDEN_SIZE, N_LAYER, True, N_COUNTRY)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    print(name)
    curves[name], step = [], 0
    for epoch in range(N_EPOCHS):
        last_loss = train()
        results[name] = test(epoch + 1)
    print("  last batch loss:", round(last_loss, 4))

# %%
fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(9, 3))
for name, points in curves.items():
    steps, losses, accs = zip(*points)
    ax_loss.plot(steps, losses, marker="o", label=name)
    ax_acc.plot(steps, accs, marker="o", label=name)
ax_loss.set_xlabel("batch")
ax_loss.set_ylabel("CE loss (one batch)")
ax_acc.set_xlabel("batch")
ax_acc.set_ylabel("test accuracy")
ax_acc.legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# 1 轮后笔记版本 0.6327、修正版本 0.6282，两条曲线几乎重合（30 轮时也是：0.8325 对 0.8258）：
# bug 版本照样能学，因为反向 GRU 读完了整个名字，而不打包时正向 GRU 的最终状态是读完一串补零之后的
# （见第 6 节），用上它帮助不大。这种 bug 靠“跑不跑得通”或准确率发现不了，要检查形状和索引的含义
# （第 3 节的 `allclose`）。

# %% [markdown]
# ## 6. pack_padded_sequence：别让 RNN 读补上的 0
#
# 补零以后，短名字的正向 GRU 还要“读”一串 0 (字符 `\x00`) 才结束，`h_n[-2]` 不再是
# 读完名字那一刻的状态。`pack_padded_sequence(emb, lengths)` 把各列按实际长度压紧，
# RNN 只算真实的字符；`h_n` 就是每个名字自己最后一个字符处的状态。
# 要求 `lengths` **降序**（`enforce_sorted=True`，默认），所以先按长度排序。
#
# 打包的结果 `PackedSequence` 是一个四元组：`data` 把各个时刻还在读的元素一行行叠起来，
# 形状 $(\sum_b L_b, \ldots)$；`batch_sizes[t]` 是第 $t$ 个时刻还没读完的序列数
# $=\#\{b : L_b > t\}$。RNN 在第 $t$ 步只算前 `batch_sizes[t]` 行。

# %%
from teachtorch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

batch_names = ["Ajdrna", "Adsit", "Li"]
lengths = torch.tensor([len(n) for n in batch_names])
seq = torch.LongTensor(names_to_matrix(batch_names))  # (seqLen=6, batch=3)
torch.manual_seed(0)
emb = torch.nn.Embedding(N_CHARS, 4)
gru = torch.nn.GRU(4, 5)
packed = pack_padded_sequence(emb(seq), lengths)
print(packed.batch_sizes)  # 每个时刻还有几个名字没读完
packed_out, h_packed = gru(packed)
out, out_lengths = pad_packed_sequence(packed_out)
print(out.shape, out_lengths)
# "Li" 的最终状态 = 它第 2 个字符处的输出；不打包时则是读完 4 个 0 以后的状态
_, h_padded = gru(emb(seq))
print(torch.allclose(h_packed[0, 2], out[1, 2]), torch.allclose(h_padded[0, 2], out[1, 2]))
print(out[2:, 2].abs().sum().item())  # pad_packed_sequence 在补位处填 0

# %% [markdown]
# 打开 `pack_padded_sequence`：检查排序和长度，然后 `running[t, b] = t < L_b` 这张表
# 一次给出要保留的元素（`np.nonzero` 按时刻逐行取出）和 `batch_sizes`（每行求和）；
# 真正搬运数据的是可以反向传播的 `PackPadded`。

# %%
SourceView(pack_padded_sequence)

# %%
from teachtorch.nn.utils.rnn import PackedSequence

SourceView(PackedSequence)

# %% [markdown]
# ### 试一试：长度没有降序
#
# 下面的 batch 长度是 [5, 6, 2]，没有排序，`enforce_sorted=True`（默认）时会报错：

# %%
unsorted = ["Adsit", "Ajdrna", "Li"]
try:
    pack_padded_sequence(emb(torch.LongTensor(names_to_matrix(unsorted))),
                         torch.tensor([5, 6, 2]))
except RuntimeError as err:
    print(err)

# %% [markdown]
# 两种修法：像笔记说的那样先排序（`lengths.sort(descending=True)` 给出排序后的下标，
# 用它重排 batch 和标签）；或者传 `enforce_sorted=False`，让 RNN 内部排序，输出按原顺序还回来。

# %%
x_unsorted = emb(torch.LongTensor(names_to_matrix(unsorted)))
packed2 = pack_padded_sequence(x_unsorted, torch.tensor([5, 6, 2]), enforce_sorted=False)
_, h2 = gru(packed2)
print(packed2.sorted_indices, torch.allclose(h2[0, 1], h_packed[0, 0]))

# %% [markdown]
# ## 7. 小项目：打包版本的名字分类器
#
# 在模型里完成“排序 → 打包 → GRU → 取 h_n”；`forward` 接收补零矩阵和每个名字的长度。
# 这里用 `enforce_sorted=False`，所以标签不用跟着重排。

# %%
class PackedModule(torch.nn.Module):
    def __init__(self, hidden_size=HIDDEN_SIZE, num_layers=N_LAYER):
        super().__init__()
        self.embedding = torch.nn.Embedding(N_CHARS, BEDDING_SIZE)
        self.gru = torch.nn.GRU(BEDDING_SIZE, hidden_size, num_layers, bidirectional=True)
        self.fc = torch.nn.Linear(hidden_size * 2, N_COUNTRY)

    def forward(self, x, lengths):
        packed = pack_padded_sequence(self.embedding(x), lengths, enforce_sorted=False)
        _, h_n = self.gru(packed)
        return self.fc(torch.cat([h_n[-2], h_n[-1]], dim=-1))


def make_batch(names):
    lengths = torch.tensor([len(n) for n in names])
    return torch.LongTensor(names_to_matrix(names)), lengths


torch.manual_seed(0)
packed_model = PackedModule()
optimizer = torch.optim.Adam(packed_model.parameters(), lr=0.001)
for epoch in range(N_EPOCHS):
    for names, countries in train_loader:
        loss = criterion(packed_model(*make_batch(names)), countries)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
correct = 0
with torch.no_grad():
    for names, countries in test_loader:
        correct += (packed_model(*make_batch(names)).argmax(dim=1) == countries).sum().item()
packed_acc = correct / len(testSet)
print("packed, test accuracy:", round(packed_acc, 4))
for name in ["Nguyen", "Schmidt", "Rossi"]:
    with torch.no_grad():
        guess = packed_model(*make_batch([name])).argmax(dim=1).item()
    print(name, "->", trainSet.indexToCountry(guess))

# %% [markdown]
# 打包版本训练 1 轮后测试准确率是 0.6688，比第 5 节不打包的两个模型（约 0.63）高：
# 正向 GRU 的最终状态不再被一串补零冲淡。1 轮的模型还很粗糙（"Nguyen" 被猜成了 English）；
# 把 `FAST` 改成 `False` 训练 30 轮，和第 5 节的约 0.83 比一比。

# %% [markdown]
# ## 8. 小结
#
# * 名字 → ASCII 码 → 补零的矩阵 → `Embedding` → 双向两层 GRU → 最后时刻两个方向的隐藏状态拼起来 → `Linear`。
# * `pack_padded_sequence` 让 RNN 只读每个序列的真实长度，补上的 0 不进入计算：`batch_sizes[t]` 是第 $t$ 步还在读的序列数；
#   长度要降序，或者传 `enforce_sorted=False`。
# * 训练曲线：1 轮里损失一直在降、测试准确率一直在升；笔记的 bug 版本和修正版本差不多（bug 只能靠检查形状和索引的含义发现）。
# * 双向 RNN 的输出要分清方向：正向取最后一步，反向取第一步（`hidden[-1]` 与 `hidden[-2]`）。

# %% [markdown]
# ## 9. 练习
#
# 1. 单向 2 层 GRU（`bidirectional=False`）的 `h_n` 形状是什么？`fc` 的输入维度要改成多少？
# 2. 长度为 [6, 5, 2] 的 batch 打包后，`batch_sizes` 是什么？先自己算，再验证。
# 3. 用 `lengths.sort(descending=True)` 手动排序一个 batch，再用 `enforce_sorted=True` 打包，
#    检查结果与 `enforce_sorted=False` 相同。
# 4. **改坏一行**：把 `pack_padded_sequence` 里 `running = ... < lengths[None, :]` 的 `<` 改成 `<=`
#    （多读一个补位），用 `exec` 得到坏掉的函数，把打包后 GRU 的 `h_n` 和每个名字单独跑（不补零）
#    的结果对照，看检查失败。

# %% answer 练习 1～3
uni = MyModule(N_CHARS, BEDDING_SIZE, HIDDEN_SIZE, N_LAYER, False, N_COUNTRY)
print(uni.gru(uni.embedding(seq))[1].shape, uni.fc.in_features)
print(pack_padded_sequence(torch.zeros(6, 3, 1), torch.tensor([6, 5, 2])).batch_sizes)
lens = torch.tensor([5, 6, 2])
sorted_lens, order = lens.sort(descending=True)
packed3 = pack_padded_sequence(x_unsorted[:, order], sorted_lens)
_, h3 = gru(packed3)
print(order, torch.allclose(h3[:, order.argsort()], h2, atol=1e-6))

# %% answer 练习 4
rnn_utils = inspect.getmodule(pack_padded_sequence)  # teachtorch/nn/utils/rnn.py
source = inspect.getsource(pack_padded_sequence)
broken = source.replace("running = np.arange(int(lengths.max()))[:, None] < lengths[None, :]",
                        "running = np.arange(int(lengths.max()))[:, None] <= lengths[None, :]")
assert broken != source
namespace = dict(vars(rnn_utils))
exec(broken, namespace)
with torch.no_grad():
    x_emb = emb(seq)  # "Ajdrna", "Adsit", "Li" 补零到 6
    alone = torch.stack([gru(emb(torch.LongTensor(names_to_matrix([n]))))[1][0, 0]
                         for n in batch_names])  # 每个名字单独跑，没有补零
    _, h_good = gru(pack_padded_sequence(x_emb, lengths))
    print(torch.allclose(h_good[0], alone, atol=1e-6))
    try:
        _, h_bad = gru(namespace["pack_padded_sequence"](x_emb, lengths))
        print(torch.allclose(h_bad[0], alone, atol=1e-6))
    except RuntimeError as err:
        print(str(err).splitlines()[0])
