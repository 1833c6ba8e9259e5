# %% [markdown]
# # 第 7 章　逻辑回归与糖尿病数据集
#
# **本章教什么**：把线性模型的输出送进 sigmoid，得到"属于正类的概率"；用二分类交叉熵
# `BCELoss` 训练；然后在真实的糖尿病数据（759 个病人，8 个特征）上训练 8-6-4-1 的网络，
# 先用整批数据，再用 `Dataset` + `DataLoader` 的小批量。
#
# **对应笔记**：`002_0b1e019c38618b4a.txt`（Logistic回归、代码示例3、加载数据集）。
# 数据文件 `diabetes.csv.gz` 随课程一起提供（见 `assets/DATA.md`）。

# %%
import numpy as np

import teachtorch as torch
import teachtorch.nn.functional as F
from teachtorch import data_files
from teachtorch.utils.data import DataLoader, Dataset

torch.manual_seed(0)
FAST = True  # 测试时只训练较少的轮数；改成 False 可看完整训练

# %% [markdown]
# ## 1. 逻辑回归
#
# 课程里的写法：在 `__init__` 里创建 `Linear(1, 1)`，在 `forward` 里用 sigmoid 激活。
# 笔记建议写成 `self.activate = torch.nn.Sigmoid()`，以后换激活函数只需改一行。

# %%
x_data = torch.Tensor([[1.0], [2.0], [3.0]])
y_data = torch.Tensor([[0], [0], [1]])


class LogisticRegressionModel(torch.nn.Module):
    def __init__(self):
        super(LogisticRegressionModel, self).__init__()
        self.linear = torch.nn.Linear(1, 1)
        self.activate = torch.nn.Sigmoid()

    def forward(self, x):
        return self.activate(self.linear(x))


model = LogisticRegressionModel()
criterion = torch.nn.BCELoss(reduction="sum")
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
for epoch in range(1000):
    y_pred = model(x_data)
    loss = criterion(y_pred, y_data)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if epoch % 200 == 0:
        print(epoch, round(loss.item(), 4))

x_test = torch.linspace(0, 10, 6).view(6, 1)
print(model(x_test).detach().view(-1))

# %% [markdown]
# 学习时长（x）越大，"通过"的概率越高；概率 0.5 的分界点在 x≈2.5 附近（更多轮训练后更清楚）。
# 笔记里写的 `size_average=False` 是旧参数，今天写作 `reduction='sum'`。

# %% [markdown]
# ## 2. 试一试：BCELoss 的输入必须是概率
#
# `BCELoss` 要求输入在 [0, 1] 之间（sigmoid 之后）。直接把线性输出送进去会报错；
# 想省掉 sigmoid，请用数值更稳定的 `BCEWithLogitsLoss`。

# %%
logits = torch.tensor([[2.5], [-1.0]])
target = torch.tensor([[1.0], [0.0]])
try:
    torch.nn.BCELoss()(logits, target)
except RuntimeError as err:
    print(err)
print(torch.nn.BCEWithLogitsLoss()(logits, target))
print(torch.nn.BCELoss()(torch.sigmoid(logits), target))

# %% [markdown]
# ## 3. 糖尿病数据：整批训练
#
# 每行 9 个数：8 个特征（已缩放到 [-1, 1]），最后一列是标签（1 = 一年内病情加重）。
# 笔记提醒：神经网络里一般用 32 位浮点数，所以读入时指定 `dtype=np.float32`。

# %%
path = data_files.path("diabetes/diabetes.csv.gz")
xy = np.loadtxt(path, delimiter=",", dtype=np.float32)
x_data = torch.from_numpy(xy[:, :-1])
y_data = torch.from_numpy(xy[:, [-1]])
print(x_data.shape, y_data.shape, y_data.mean().item())


class Model(torch.nn.Module):
    def __init__(self):
        super(Model, self).__init__()
        self.linear1 = torch.nn.Linear(8, 6)
        self.linear2 = torch.nn.Linear(6, 4)
        self.linear3 = torch.nn.Linear(4, 1)
        self.sigmoid = torch.nn.Sigmoid()

    def forward(self, x):
        x = self.sigmoid(self.linear1(x))
        x = self.sigmoid(self.linear2(x))
        x = self.sigmoid(self.linear3(x))
        return x


torch.manual_seed(0)
model = Model()
criterion = torch.nn.BCELoss(reduction="mean")
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
for epoch in range(2000 if FAST else 10000):
    y_pred = model(x_data)
    loss = criterion(y_pred, y_data)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if epoch % 500 == 0:
        print(epoch, round(loss.item(), 4))


def accuracy(model, x, y):
    with torch.no_grad():
        return ((model(x) > 0.5).float() == y).float().mean().item()


print("accuracy:", round(accuracy(model, x_data, y_data), 4))

# %% [markdown]
# 损失几乎不动，准确率 0.6535 恰好等于"全部判为 1"（多数类）的比例：三层 sigmoid 网络
# 用 SGD(lr=0.1) 学得很慢，前几千轮都停在这个平台上。换成自适应学习率的 Adam 试试：

# %%
torch.manual_seed(0)
model = Model()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
for epoch in range(1000):
    loss = criterion(model(x_data), y_data)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if epoch % 250 == 0:
        print(epoch, round(loss.item(), 4))
print("accuracy:", round(accuracy(model, x_data, y_data), 4))

# %% [markdown]
# ## 4. Dataset 与 DataLoader：小批量
#
# 笔记 002"加载数据集"：继承 `Dataset`，实现 `__getitem__` 和 `__len__`；
# `DataLoader` 负责打乱、分批，`num_workers` 是读取数据的进程数。
# 在 Windows 上用多进程时，训练代码要放在 `if __name__ == '__main__':` 里。

# %%
class DiabetesDataset(Dataset):
    def __init__(self, filepath):
        xy = np.loadtxt(filepath, delimiter=",", dtype=np.float32)
        self.len = xy.shape[0]
        self.x_data = torch.from_numpy(xy[:, :-1])
        self.y_data = torch.from_numpy(xy[:, [-1]])

    def __getitem__(self, index):
        return self.x_data[index], self.y_data[index]

    def __len__(self):
        return self.len


dataset = DiabetesDataset(path)
train_loader = DataLoader(dataset=dataset, batch_size=32, shuffle=True, num_workers=2)

torch.manual_seed(0)
model = Model()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
if __name__ == "__main__":
    for epoch in range(30 if FAST else 100):
        for i, data in enumerate(train_loader, 0):
            inputs, labels = data
            y_pred = model(inputs)
            loss = criterion(y_pred, labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    print("batches per epoch:", len(train_loader))
    print("accuracy:", round(accuracy(model, x_data, y_data), 4))

# %% [markdown]
# 同样的数据，小批量每轮更新 24 次参数，而整批每轮只更新 1 次：30 轮就有 720 次更新，
# 准确率约 0.76（整批 Adam 1000 次更新约 0.81）。每个小批量只看到 32 个样本，梯度有噪声，
# 这既是小批量的代价，也常常帮助模型不过拟合。

# %% [markdown]
# ## 5. 小项目：决策边界在哪里？
#
# 对第 1 节的逻辑回归模型，解方程 $\sigma(wx+b)=0.5$，即 $x = -b/w$，
# 并用模型验证这一点的输出确实是 0.5。

# %%
torch.manual_seed(0)
lr_model = LogisticRegressionModel()
opt = torch.optim.SGD(lr_model.parameters(), lr=0.1)
xs, ys = torch.Tensor([[1.0], [2.0], [3.0]]), torch.Tensor([[0], [0], [1]])
for _ in range(3000):
    opt.zero_grad()
    F.binary_cross_entropy(lr_model(xs), ys).backward()
    opt.step()
w, b = lr_model.linear.weight.item(), lr_model.linear.bias.item()
boundary = -b / w
print(round(boundary, 3), round(lr_model(torch.tensor([[boundary]])).item(), 4))

# %% [markdown]
# ## 6. 练习
#
# 1. 把糖尿病网络的激活函数从 Sigmoid 换成 ReLU（最后一层仍用 Sigmoid），训练结果有何变化？
# 2. 为什么 `y_data = torch.from_numpy(xy[:, [-1]])` 用 `[-1]` 而不是 `-1`？
# 3. 把 `DataLoader` 的 `batch_size` 改成 759（整个数据集），和第 3 节的整批训练有何区别？

# %% answer
print(xy[:, [-1]].shape, xy[:, -1].shape)  # [-1] 保留第二维：(759, 1) 与输出形状一致
full = DataLoader(dataset, batch_size=759, shuffle=False)
print(len(full))  # 一个 batch：每轮更新一次，和整批训练相同（只是数据顺序可能被打乱）
