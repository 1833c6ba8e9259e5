# %% [markdown]
# # 第 12 章　RNN 基础：RNNCell、RNN、Embedding、LSTM 与 GRU
#
# **本章教什么**：循环神经网络在每个时刻用**同一组权重**更新隐藏状态
# $h_t = \tanh(W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh})$；`RNNCell` 一次算一步，
# `RNN` 一次算整个序列（还可以多层、双向）；输入输出张量的形状；用 one-hot 和 Embedding
# 表示字符，训练 "hello" → "ohlol"；LSTM 的三个门加一个候选值（权重里叠着四块）与 GRU 的两个门加一个候选值（三块）；为什么普通 RNN 的梯度会消失。
#
# **对应笔记**：`002_0b1e019c38618b4a.txt`（循环神经网络、其他内容、Embedding层、代码示例1、
# 代码示例2）、`000_31b0c36760745ae4.txt`（3. 循环神经网络：LSTM 的参数与形状、4. 词向量）。

# %%
import teachtorch as torch
from teachtorch.widgets import RNNUnrollView, SourceView
import inspect

_ = torch.manual_seed(0)  # 之后所有随机数（randn、初始化）都由它决定（赋给 _：不打印生成器的内存地址）

# %% [markdown]
# ## 1. RNNCell：一次一步
#
# 直觉：读一句话时，我们边读边记住“到目前为止读到了什么”。RNN 用一个隐藏状态 $h_t$ 表示这份记忆，
# 每读一个输入 $x_t$ 就更新一次，而且**每个时刻用同一组权重**：
#
# $$h_t = \tanh(W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh})$$
#
# `hidden = cell(input, hidden)`：input 形状 (batch, input_size)，hidden 形状 (batch, hidden_size)。

# %%
batch_size, seq_len, input_size, hidden_size = 1, 3, 4, 2
cell = torch.nn.RNNCell(input_size=input_size, hidden_size=hidden_size)
dataset = torch.randn(seq_len, batch_size, input_size)
hidden = torch.zeros(batch_size, hidden_size)
for idx, input in enumerate(dataset):
    print("=" * 20, idx, "=" * 20)
    print("Input size:", input.shape)
    hidden = cell(input, hidden)
    print("outputs size:", hidden.shape)
    print(hidden)

# %% [markdown]
# 输出的 `grad_fn` 是 `TanhBackward0`：和 PyTorch 一样，一个 cell 就是公式里那几个普通运算
# （两个线性变换相加，再取 tanh）。打开 `RNNCell.forward`：`F.linear` 算
# $W_{ih}x + b_{ih}$ 和 $W_{hh}h + b_{hh}$，相加后取 tanh（`nonlinearity="relu"` 时取 relu）。

# %%
SourceView(torch.nn.RNNCell.forward)

# %% [markdown]
# 而 `nn.RNN` 把整段序列放进一个融合的反向节点（`teachtorch/ops/rnn.py`），为的是速度。

# %% [markdown]
# ## 2. RNN：一次整个序列
#
# 输入 (seq_len, batch, input_size)；`h0` 为 (num_layers, batch, hidden_size)；
# 输出 `out` 是每个时刻最后一层的隐藏状态 (seq_len, batch, hidden_size)，
# `hn` 是最后时刻每一层的隐藏状态。`batch_first=True` 时把 batch 放在第一维。

# %%
num_layers = 2
rnn = torch.nn.RNN(input_size=input_size, hidden_size=hidden_size, num_layers=num_layers)
inputs = torch.randn(seq_len, batch_size, input_size)
hidden = torch.zeros(num_layers, batch_size, hidden_size)
out, hidden = rnn(inputs, hidden)
print("Output size:", out.shape)
print("Hidden size:", hidden.shape)
print(torch.equal(out[-1], hidden[-1]))
print([name for name, _ in rnn.named_parameters()])

# %% [markdown]
# ## 3. 小部件：把 RNN 在时间上展开
#
# 每个时刻的格子共用同一组权重 $W_{ih}, W_{hh}$。拖动"time step"看每一步的计算，
# 切换 cell 为 lstm / gru 看门的取值随时间的变化。右下的热力图是 $\|\partial h_t/\partial x_k\|$：
# 普通 RNN 中，越早的输入对后面隐藏状态的影响越小（梯度消失）。

# %%
unroll = RNNUnrollView(cell="rnn", seq_len=8, hidden_size=4)
unroll

# %%
unroll.controls["time"].value = 3
print(unroll.state["time"], [round(v, 4) for v in unroll.state["h"][3]])
rnn_ratio = unroll.state["ratio_first_last"]
unroll.controls["cell"].value = "lstm"
lstm_ratio = unroll.state["ratio_first_last"]
print(sorted(unroll.state["gates"]))
print(f"|dh_T/dx_1| / |dh_T/dx_T|  rnn: {rnn_ratio:.4f}  lstm: {lstm_ratio:.4f}")
assert unroll.state["error"] is None

# %% [markdown]
# 小部件里的隐藏状态与 `nn.LSTM` 用同样权重算出的结果相同：可以把一个模块传给它，
# 它就显示这个模块真实的权重。

# %%
torch.manual_seed(0)
lstm = torch.nn.LSTM(input_size=3, hidden_size=4)
view = RNNUnrollView(cell="lstm", seq_len=5, module=lstm)
x = torch.tensor(view.state["x"]).view(5, 1, 3)
out, (h, c) = lstm(x)
print(torch.allclose(out.view(5, 4), torch.tensor(view.state["h"]), atol=1e-5))

# %% [markdown]
# ## 4. 训练 "hello" → "ohlol"：one-hot 输入 + RNNCell
#
# 字典 `['e', 'h', 'l', 'o']`；每个字符用 one-hot 向量表示；每个时刻预测一个字符（4 分类）。

# %%
idx2char = ['e', 'h', 'l', 'o']
x_data = [1, 0, 2, 2, 3]  # hello
y_data = [3, 1, 2, 3, 2]  # ohlol
one_hot_lookup = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]
x_one_hot = [one_hot_lookup[x] for x in x_data]
inputs = torch.Tensor(x_one_hot).view(-1, 1, 4)
labels = torch.LongTensor(y_data).view(-1, 1)


class CellModel(torch.nn.Module):
    def __init__(self, input_size, hidden_size, batch_size):
        super(CellModel, self).__init__()
        self.batch_size = batch_size
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.rnncell = torch.nn.RNNCell(input_size=self.input_size,
                                        hidden_size=self.hidden_size)

    def forward(self, input, hidden):
        hidden = self.rnncell(input, hidden)
        return hidden

    def init_hidden(self):
        return torch.zeros(self.batch_size, self.hidden_size)


torch.manual_seed(0)
net = CellModel(4, 4, 1)
criterion = torch.nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(net.parameters(), lr=0.1)
for epoch in range(15):
    loss = 0
    optimizer.zero_grad()
    hidden = net.init_hidden()
    predicted = ""
    for input, label in zip(inputs, labels):
        hidden = net(input, hidden)
        loss += criterion(hidden, label)
        _, idx = hidden.max(dim=1)
        predicted += idx2char[idx.item()]
    loss.backward()
    optimizer.step()
    print(f"Predicted: {predicted}, Epoch [{epoch + 1}/15] loss={loss.item():.4f}")

# %% [markdown]
# ## 5. Embedding + 两层 RNN：笔记原文
#
# one-hot 维度高、稀疏、是硬编码的；Embedding 把每个字符映射成可学习的稠密向量。

# %%
dictionary = ['e', 'h', 'l', 'o']
# 注意这里并没有真的用one-hot向量来表示
x_data = [[1, 0, 2, 2, 3]]  # hello
y_data = [3, 1, 2, 3, 2]  # ohlol

inputs = torch.LongTensor(x_data)
labels = torch.LongTensor(y_data)

num_class = len(dictionary)  # 字典的长度
inputs_size = num_class  # 输入的维数，不是batch_size
hidden_size = 8  # 隐藏层的维数
embedding_size = 10  # embedding向量的维数，即将one-hot压缩（扩大）至几维
num_layers = 2  # RNN的层数
batch_size = 1  # batch_size，这里只有1组数据，所以取1
seq_len = len(x_data)  # 输入序列的长度，如果各数据输入序列长度不同，则取最大值

print(inputs.size()) # torch.Size([1, 5])，即[batchSize, seqLen]
print(labels.size()) # torch.Size([5])，即[batchSize * seqLen]


class MyModule(torch.nn.Module):
    def __init__(self):
        super(MyModule, self).__init__()
        self.emb = torch.nn.Embedding(inputs_size, embedding_size)
        self.rnn = torch.nn.RNN(input_size=embedding_size,
                                hidden_size=hidden_size,
                                num_layers=num_layers,
                                batch_first=True)
        self.fc = torch.nn.Linear(hidden_size, num_class)

    def forward(self, x):
        # hidden的形状为(num_layers * num_directions, batchSize, hidden_size)
        # hidden其实就是每个元素对应的记忆细胞，所以是每组数据都要有自己的，不能共用别人的
        hidden = torch.zeros(num_layers, x.size(0), hidden_size)
        x = self.emb(x)  # 输入值形状为(batchSize, seqLen), 输出值形状为(batchSize, seqLen, embeddingSize)
        x, _ = self.rnn(x, hidden)  # 输出值形状为(batchSize, seqLen, hiddenSize)
        							# 注意这里的返回值是(output, h_n)，详情参考官方文档
        x = self.fc(x)  # 输出值形状为(batchSize, seqLen, numClass)
        return x.view(-1, num_class)  # reshape是为了维度和labels匹配，然后使用CrossEntropy损失函数


model = MyModule()

criterion = torch.nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)

for epoch in range(15):
    y_pred = model(inputs)
    loss = criterion(y_pred, labels)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

    # 返回输入张量给定维度上每行的最大值，并同时返回每个最大值的位置索引
    _, index = y_pred.max(dim=1)
    index = index.data.numpy()
    print("Predicted:", "".join([dictionary[x] for x in index]), end="")
    print(", Epoch [%d/15] loss = %.3f" % (epoch + 1, loss.item()))

# %% [markdown]
# 笔记里 `seq_len = len(x_data)` 其实是 1（`x_data` 外面还有一层列表）——这个变量后面没有用到，
# 所以不影响结果。大约第 10 轮起，预测就成了 "ohlol"；损失还在继续下降。
# 和第 4 节只用 one-hot + 一个 RNNCell（15 轮后还是 "oholl"）相比，Embedding + 两层 RNN + 线性层学得更快。

# %% [markdown]
# ## 6. LSTM 与 GRU 的公式
#
# 普通 RNN 每一步都把记忆整个乘上 $W_{hh}$ 再取 tanh，早先的信息很快被冲掉（第 3 节的热力图）。
# LSTM 另外保存一条“细胞状态” $c_t$，用三个门（取值 0～1 的 sigmoid）决定怎样改它：
#
# $$\begin{aligned}
# i_t &= \sigma(W_{ii}x_t + b_{ii} + W_{hi}h_{t-1} + b_{hi}) &&\text{输入门：写入多少新内容}\\
# f_t &= \sigma(W_{if}x_t + b_{if} + W_{hf}h_{t-1} + b_{hf}) &&\text{遗忘门：保留多少旧细胞}\\
# g_t &= \tanh(W_{ig}x_t + b_{ig} + W_{hg}h_{t-1} + b_{hg}) &&\text{候选值：新内容}\\
# o_t &= \sigma(W_{io}x_t + b_{io} + W_{ho}h_{t-1} + b_{ho}) &&\text{输出门：显示多少细胞}\\
# c_t &= f_t \odot c_{t-1} + i_t \odot g_t, \qquad h_t = o_t \odot \tanh(c_t)
# \end{aligned}$$
#
# $c_t$ 的更新是**加法**：$f_t \approx 1$ 时 $\partial c_t/\partial c_{t-1} \approx 1$，梯度可以沿 $c$ 传很远。
# 四组权重按 $i, f, g, o$ 的顺序上下叠成一个 $(4\cdot\text{hidden}, \text{input})$ 的 `weight_ih`。
# 用 `LSTMCell` 的权重按公式手算一步，和它的输出比较：

# %%
torch.manual_seed(0)
lstm_cell = torch.nn.LSTMCell(input_size=3, hidden_size=2)
x_t, h_prev, c_prev = torch.randn(1, 3), torch.randn(1, 2), torch.randn(1, 2)
z = (x_t @ lstm_cell.weight_ih.t() + lstm_cell.bias_ih
     + h_prev @ lstm_cell.weight_hh.t() + lstm_cell.bias_hh)
i, f, g, o = z[:, 0:2].sigmoid(), z[:, 2:4].sigmoid(), z[:, 4:6].tanh(), z[:, 6:8].sigmoid()
c_t = f * c_prev + i * g
h_t = o * c_t.tanh()
h_lib, c_lib = lstm_cell(x_t, (h_prev, c_prev))
print(lstm_cell.weight_ih.shape, torch.allclose(h_t, h_lib), torch.allclose(c_t, c_lib))

# %% [markdown]
# 库里的 `LSTMCell.forward` 逐行就是这几个公式：

# %%
SourceView(torch.nn.LSTMCell.forward)

# %% [markdown]
# GRU 更简单：没有单独的细胞状态，两个门加一个候选值（三块权重）：
#
# $$\begin{aligned}
# r_t &= \sigma(W_{ir}x_t + b_{ir} + W_{hr}h_{t-1} + b_{hr}) &&\text{重置门}\\
# z_t &= \sigma(W_{iz}x_t + b_{iz} + W_{hz}h_{t-1} + b_{hz}) &&\text{更新门}\\
# n_t &= \tanh\big(W_{in}x_t + b_{in} + r_t \odot (W_{hn}h_{t-1} + b_{hn})\big) &&\text{候选值}\\
# h_t &= (1 - z_t) \odot n_t + z_t \odot h_{t-1}
# \end{aligned}$$
#
# `nn.LSTM` / `nn.GRU` 一次处理整个序列（可以多层、双向）。`nn.LSTM` 本身只有一行
# `super().__init__("LSTM", ...)`：参数的创建和 `forward` 都在共同的父类 `RNNBase` 里。
# 打开 `nn.LSTM.forward`（也就是 `RNNBase.forward`）：先检查输入的维数、特征大小、dtype
# 和隐藏状态的形状（报错都在这里），没给 `hx` 就用全 0，然后把整段序列交给 `rnn_stack`。

# %%
SourceView(torch.nn.LSTM.forward)

# %% [markdown]
# ## 7. LSTM 的形状（笔记 000）
#
# input (seq_len, batch, input_size)；h0、c0 (num_layers*num_directions, batch, hidden_size)；
# output (seq_len, batch, hidden_size*num_directions)。

# %%
lstm = torch.nn.LSTM(input_size=10, hidden_size=20, num_layers=2, bidirectional=True)
x = torch.randn(5, 3, 10)
h0 = torch.zeros(2 * 2, 3, 20)
c0 = torch.zeros(2 * 2, 3, 20)
output, (hn, cn) = lstm(x, (h0, c0))
print(output.shape, hn.shape, cn.shape)
print(lstm.weight_ih_l0.shape, lstm.weight_hh_l0_reverse.shape)  # 输入门、遗忘门、候选值、输出门四块叠在一起：4*20

# %% [markdown]
# ## 8. 试一试：忘了 batch_first
#
# 模型用 `batch_first=True`，却按 (seq, batch, feature) 传入隐藏状态的 batch 维对不上时：

# %%
rnn = torch.nn.RNN(input_size=10, hidden_size=8, batch_first=True)
x = torch.randn(3, 5, 10)  # (batch=3, seq=5, feature=10)
try:
    rnn(x, torch.zeros(1, 5, 8))  # 隐藏状态按 seq=5 当成了 batch
except RuntimeError as err:
    print(err)
print(rnn(x, torch.zeros(1, 3, 8))[0].shape)

# %% [markdown]
# ## 9. 小项目：手写一个 RNN 的前向
#
# 用 `weight_ih_l0` 等参数，按公式手算 `nn.RNN` 的输出并比较。

# %%
torch.manual_seed(0)
rnn = torch.nn.RNN(input_size=3, hidden_size=2)
x = torch.randn(4, 1, 3)
h = torch.zeros(1, 2)
outs = []
for t in range(4):
    h = torch.tanh(x[t] @ rnn.weight_ih_l0.t() + rnn.bias_ih_l0
                   + h @ rnn.weight_hh_l0.t() + rnn.bias_hh_l0)
    outs.append(h)
print(torch.allclose(torch.stack(outs), rnn(x)[0], atol=1e-6))

# %% [markdown]
# ## 10. 小结
#
# * RNN 在每个时刻用同一组权重：$h_t = \tanh(W_{ih}x_t + b_{ih} + W_{hh}h_{t-1} + b_{hh})$；`RNNCell` 算一步，`RNN` 算整个序列。
# * 默认形状是 `(seq_len, batch, input_size)`，`batch_first=True` 时批在第 0 维；隐藏状态是 `(num_layers * num_directions, batch, hidden_size)`。
# * LSTM 有输入、遗忘、输出三个门和一个候选值（权重里四块，顺序 $i, f, g, o$）：$c_t = f_t\odot c_{t-1} + i_t\odot g_t$，$h_t = o_t\odot\tanh(c_t)$；
#   GRU 有重置、更新两个门和一个候选值（三块）：$h_t = (1-z_t)\odot n_t + z_t\odot h_{t-1}$。细胞状态的加法更新让梯度不那么容易消失。

# %% [markdown]
# ## 11. 练习
#
# 1. `nn.GRU(100, 100, num_layers=2, bidirectional=True)` 的 `hn` 形状是什么（batch=256）？
# 2. 在小部件里把 cell 换成 gru，`ratio_first_last` 是更接近 RNN 还是 LSTM？
# 3. 把第 4 节 RNNCell 模型的训练轮数改成 50，最后的预测是什么？
# 4. 仿照第 6 节，用 `GRUCell` 的权重按公式手算一步（三块的顺序是 $r, z, n$）。
# 5. **改坏一行**：把 `LSTMCell.forward` 里的 `c_new = forgetgate * c + ingate * cellgate`
#    改成 `c_new = ingate * c + forgetgate * cellgate`（两个门用反了），用 `exec` 得到坏掉的
#    `LSTMCell`，装上和一个 `nn.LSTM` 相同的权重，逐步运行序列，和 `nn.LSTM`（另一份实现：
#    `teachtorch/ops/rnn.py` 的融合算子）的输出比较，看对照检查失败。

# %% answer 练习 1～3
gru = torch.nn.GRU(100, 100, num_layers=2, bidirectional=True)
print(gru(torch.randn(7, 256, 100))[1].shape)
unroll.controls["cell"].value = "gru"
print(round(unroll.state["ratio_first_last"], 4))
inputs1 = torch.Tensor(x_one_hot).view(-1, 1, 4)
labels1 = torch.LongTensor([3, 1, 2, 3, 2]).view(-1, 1)
torch.manual_seed(0)
net = CellModel(4, 4, 1)
optimizer = torch.optim.Adam(net.parameters(), lr=0.1)
for epoch in range(50):
    optimizer.zero_grad()
    hidden, loss, predicted = net.init_hidden(), 0, ""
    for input, label in zip(inputs1, labels1):
        hidden = net(input, hidden)
        loss += criterion(hidden, label)
        predicted += idx2char[hidden.argmax(dim=1).item()]
    loss.backward()
    optimizer.step()
print(predicted, round(loss.item(), 4))

# %% answer 练习 4
torch.manual_seed(0)
gru_cell = torch.nn.GRUCell(input_size=3, hidden_size=2)
x_t, h_prev = torch.randn(1, 3), torch.randn(1, 2)
a = x_t @ gru_cell.weight_ih.t() + gru_cell.bias_ih       # W_i* x + b_i*，三块
b = h_prev @ gru_cell.weight_hh.t() + gru_cell.bias_hh    # W_h* h + b_h*，三块
r = (a[:, 0:2] + b[:, 0:2]).sigmoid()
z = (a[:, 2:4] + b[:, 2:4]).sigmoid()
n = (a[:, 4:6] + r * b[:, 4:6]).tanh()
print(torch.allclose((1 - z) * n + z * h_prev, gru_cell(x_t, h_prev)))

# %% answer 练习 5
cells = inspect.getmodule(torch.nn.LSTMCell)  # teachtorch/nn/modules/rnn_cell.py
source = inspect.getsource(torch.nn.LSTMCell)
broken = source.replace("c_new = forgetgate * c + ingate * cellgate",
                        "c_new = ingate * c + forgetgate * cellgate")
assert broken != source
namespace = dict(vars(cells))
exec(broken, namespace)
torch.manual_seed(0)
lstm = torch.nn.LSTM(input_size=3, hidden_size=2)
x = torch.randn(4, 1, 3)


def run_cell(cell_class):
    cell = cell_class(3, 2)
    cell.load_state_dict({"weight_ih": lstm.weight_ih_l0, "weight_hh": lstm.weight_hh_l0,
                          "bias_ih": lstm.bias_ih_l0, "bias_hh": lstm.bias_hh_l0})
    h, c, outs = torch.zeros(1, 2), torch.zeros(1, 2), []
    for t in range(4):
        h, c = cell(x[t], (h, c))
        outs.append(h)
    return torch.stack(outs)


with torch.no_grad():
    print(torch.allclose(run_cell(torch.nn.LSTMCell), lstm(x)[0], atol=1e-6))
    print(torch.allclose(run_cell(namespace["LSTMCell"]), lstm(x)[0], atol=1e-6))
