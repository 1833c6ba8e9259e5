# %% [markdown]
# # 第 15 章　优化器、学习率调度与 checkpoint
#
# **本章教什么**：SGD（带动量）和 Adam 每一步做什么（公式、源码）；优化器的参数组（param groups）和“就地改学习率”；四种常用的学习率调度器
# （StepLR、ExponentialLR、CosineAnnealingLR、ReduceLROnPlateau）给出的学习率序列；
# 模型和优化器的 `state_dict`；保存与加载：只存参数、断点续练的 checkpoint 字典、
# `strict=False` 热启动、`map_location`、保存整个模型（`weights_only=False`）、
# DataParallel 留下的 `module.` 前缀。teachtorch 写出的文件就是 PyTorch 的 zip 格式。
#
# **对应笔记**：`000_31b0c36760745ae4.txt`（chaper4 · 6.优化器、8.保存模型；chaper5 · 5.持久化）、
# `003_72661a104065fcb5.txt`（3. 模型、张量等的保存与读取：第 1–6 小节、保存 DataParallel 模型；
# 多GPU模型的保存与加载）。

# %%
import os
import pickle
import tempfile
import zipfile

import teachtorch as torch
from teachtorch import nn
from teachtorch.widgets import SourceView, StateDictDiffView
import inspect

torch.manual_seed(0)  # 之后所有随机数（randn、初始化）都由它决定
workdir = tempfile.TemporaryDirectory()  # 本章所有文件都写在这里，最后删除
PATH = os.path.join(workdir.name, "model.pt")

# %% [markdown]
# ## 1. 优化器的一步：SGD 与 Adam
#
# 优化器只做一件事：`step()` 用每个参数的 `.grad`（记作 $g$）更新参数。带动量的 SGD 记住一个
# “速度” $b$（`momentum_buffer`）：
#
# $$b \leftarrow \mu\, b + g, \qquad p \leftarrow p - \eta\, b$$
#
# Adam 记住梯度的两个滑动平均：一阶 $m$（`exp_avg`）和二阶 $v$（`exp_avg_sq`），第 $t$ 步
#
# $$m \leftarrow \beta_1 m + (1-\beta_1) g,\quad v \leftarrow \beta_2 v + (1-\beta_2) g^2,\quad
# p \leftarrow p - \eta\,\frac{m/(1-\beta_1^t)}{\sqrt{v/(1-\beta_2^t)} + \epsilon}$$
#
# 除以 $1-\beta^t$ 是“偏差修正”：$m, v$ 从 0 开始，前几步偏小。于是 Adam 的第一步每个参数都移动约
# $\eta$（$m/\sqrt v = g/|g|$），与梯度的大小无关。手算验证：

# %%
w = torch.tensor([1.0, -2.0], requires_grad=True)
sgd = torch.optim.SGD([w], lr=0.1, momentum=0.9)
for _ in range(2):
    sgd.zero_grad()
    (w ** 2).sum().backward()  # g = 2w
    sgd.step()
b1 = torch.tensor([2.0, -4.0])                  # 第 1 步：b = g
p1 = torch.tensor([1.0, -2.0]) - 0.1 * b1
b2 = 0.9 * b1 + 2 * p1                          # 第 2 步：b = 0.9 b + g
print(w.detach(), p1 - 0.1 * b2)

w = torch.tensor([1.0, -200.0], requires_grad=True)
adam = torch.optim.Adam([w], lr=0.1)
(w ** 2).sum().backward()
adam.step()
print(w.detach(), sorted(adam.state[w]))        # 两个参数都只移动了约 0.1

# %% [markdown]
# 打开源码：`SGD` 的参考实现 `sgd_update` 就是上面两行公式（外加 dampening、nesterov、weight_decay 的分支）；
# `Adam` 的参考实现 `adam_update` 逐行对应 $m, v$、偏差修正和更新。它们在 `teachtorch/optim/` 里，
# 用张量的原地操作（`p.sub_`、`p.addcdiv_`）更新参数；`step` 整个跑在 `no_grad` 下，所以不会被
# autograd 记录——和 PyTorch 一样。默认 `step` 调用的是 `teachtorch/optim/_kernels.py` 里的快速内核，
# 在 `with torch.reference_mode():` 里调用的是这里显示的参考实现，两者结果相同。

# %%
SourceView(torch.optim.SGD, reference=True)

# %%
SourceView(torch.optim.Adam, reference=True)

# %% [markdown]
# ## 2. 参数组：不同的层用不同的学习率（笔记 000 · 6.）
#
# 传给优化器的可以是参数的列表，也可以是**字典的列表**：每个字典是一组参数，
# 可以有自己的 `lr`；没写的就用外面的默认值。


# %%
class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.MaxPool2d(2))
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(4 * 3 * 3, 10))

    def forward(self, x):
        return self.classifier(self.features(x))


net = Net()
optimizer = torch.optim.SGD([
                {'params': net.features.parameters()},  # 学习率为1e-5
                {'params': net.classifier.parameters(), 'lr': 1e-2}
            ], lr=1e-5)
for group in optimizer.param_groups:
    print(len(group["params"]), group["lr"], group["momentum"])

# %% [markdown]
# 学习率就存在 `param_groups` 的字典里。手动调整学习率的办法就是**就地修改**它
# （调度器做的也正是这件事）；不必新建优化器——新建会丢掉动量等状态。

# %%
for param_group in optimizer.param_groups:
    param_group["lr"] *= 0.1
print([round(g["lr"], 8) for g in optimizer.param_groups])
optimizer.add_param_group({"params": [torch.zeros(3, requires_grad=True)], "lr": 0.5})
print(len(optimizer.param_groups), optimizer.param_groups[2]["lr"])

# %% [markdown]
# ## 3. 学习率调度器：打印学习率序列
#
# 每个 epoch 末尾调用 `scheduler.step()`（在 `optimizer.step()` 之后）。
# `get_last_lr()` 返回每个参数组当前的学习率。


# %%
def lr_sequence(make_scheduler, epochs=10):
    w = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1)
    scheduler = make_scheduler(opt)
    lrs = []
    for epoch in range(epochs):
        lrs.append(round(opt.param_groups[0]["lr"], 5))
        opt.step()
        scheduler.step()
    return lrs


sched = torch.optim.lr_scheduler
print("StepLR(step_size=3, gamma=0.5)  ", lr_sequence(lambda o: sched.StepLR(o, step_size=3, gamma=0.5)))
print("ExponentialLR(gamma=0.8)        ", lr_sequence(lambda o: sched.ExponentialLR(o, gamma=0.8)))
print("CosineAnnealingLR(T_max=9)      ", lr_sequence(lambda o: sched.CosineAnnealingLR(o, T_max=9)))

# %% [markdown]
# `ReduceLROnPlateau` 不看 epoch 数，看**指标**：`step(val_loss)`；指标连续 `patience` 次
# 没有改善，就把学习率乘以 `factor`。下面用一串写好的验证损失演示：

# %%
w = torch.zeros(1, requires_grad=True)
opt = torch.optim.SGD([w], lr=0.1)
plateau = sched.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=2)
val_losses = [1.0, 0.8, 0.7, 0.7, 0.71, 0.72, 0.6, 0.61, 0.62, 0.63]
for epoch, val_loss in enumerate(val_losses):
    plateau.step(val_loss)
    print(epoch, val_loss, round(opt.param_groups[0]["lr"], 5))

# %% [markdown]
# 损失在 0.7 以后连续 3 次没有创新低（超过 patience=2）时，学习率从 0.1 降到 0.05；
# 0.6 之后又停滞 3 次，再降到 0.025。

# %% [markdown]
# ## 4. state_dict：模型和优化器的状态
#
# 模型的 `state_dict` 把每个参数和 buffer 的名字映射到张量（没有参数的层，如 ReLU、MaxPool，不出现）；
# 优化器的 `state_dict` 有 `state`（第 1 节的 `momentum_buffer`，或 Adam 的 `step`、`exp_avg`、
# `exp_avg_sq`）和 `param_groups`（超参数，参数用编号 0, 1, 2… 表示，而不是张量本身：
# 这样文件才能加载进另一个模型的优化器）。

# %%
torch.manual_seed(0)
net = Net()
optimizer = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
x, y = torch.randn(8, 1, 8, 8), torch.randint(0, 10, (8,))
criterion = nn.CrossEntropyLoss()
loss = criterion(net(x), y)
loss.backward()
optimizer.step()
for name, tensor in net.state_dict().items():
    print(name, tuple(tensor.shape))
opt_sd = optimizer.state_dict()
print(sorted(opt_sd), sorted(opt_sd["state"]), sorted(opt_sd["state"][0]))
print({k: v for k, v in opt_sd["param_groups"][0].items() if k in ("lr", "momentum", "params")})

# %% [markdown]
# `Optimizer.state_dict` 的源码里可以看到参数怎样换成编号：

# %%
SourceView(torch.optim.Optimizer.state_dict)

# %% [markdown]
# ## 5. 只保存 / 加载参数（笔记 003 · 1.）
#
# `load_state_dict()` 只接受字典，不接受路径：先 `torch.load(PATH)` 反序列化。
# 推理前记得 `model.eval()`。

# %%
torch.save(net.state_dict(), PATH)
model = Net()
model.load_state_dict(torch.load(PATH))
model.eval()
print(torch.equal(model(x), net(x)))

# %% [markdown]
# teachtorch 写出的文件就是 PyTorch 的格式：一个 zip 包，`data.pkl` 是 pickle 的字典结构，
# `data/0`、`data/1`…… 是各个张量的原始字节。装了 PyTorch 的机器可以直接 `torch.load` 它。

# %%
with zipfile.ZipFile(PATH) as zf:
    print(zf.namelist())

# %% [markdown]
# ## 6. 断点续练：checkpoint 字典（笔记 003 · 3.）
#
# 把 epoch、模型、优化器（含动量）和损失放进一个字典保存。加载后继续训练，
# 结果与从未中断完全一样——前提是优化器状态也恢复了。

# %%
def train_steps(model, optimizer, steps):
    for _ in range(steps):
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()
    return loss


torch.manual_seed(1)
model = Net()
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
epoch = 5
loss = train_steps(model, optimizer, epoch)
CKPT = os.path.join(workdir.name, "checkpoint.tar")
torch.save({
    'epoch': epoch,
    'model_state_dict': model.state_dict(),
    'optimizer_state_dict': optimizer.state_dict(),
    'loss': loss,
}, CKPT)
uninterrupted = train_steps(model, optimizer, 5).item()

model = Net()
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
checkpoint = torch.load(CKPT)
model.load_state_dict(checkpoint['model_state_dict'])
optimizer.load_state_dict(checkpoint['optimizer_state_dict'])
epoch = checkpoint['epoch']
loss = checkpoint['loss']
model.train()
resumed = train_steps(model, optimizer, 5).item()
print(epoch, round(loss.item(), 4), round(uninterrupted, 6), round(resumed, 6))

# 只恢复模型、不恢复优化器（动量从 0 开始）：结果就不一样了
model.load_state_dict(checkpoint['model_state_dict'])
fresh_opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
print(round(train_steps(model, fresh_opt, 5).item(), 6))

# %% [markdown]
# ## 7. 热启动：strict=False（笔记 003 · 5.）
#
# 模型 B 只和模型 A 共享一部分层（比如换了分类头）。`strict=False` 只放宽**名字**的检查：
# 名字对得上的参数被加载，名字对不上的报告在返回值里：`missing_keys`（B 有、文件里没有）
# 和 `unexpected_keys`（文件里有、B 没有）。名字相同但**形状不同**的键仍然报 `size mismatch`，
# 即使 `strict=False`：这时要先把那个键从 state_dict 里删掉（见下面第二个单元格）。


# %%
class NetB(nn.Module):
    def __init__(self):
        super(NetB, self).__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.MaxPool2d(2))
        self.head = nn.Linear(4 * 3 * 3, 2)

    def forward(self, x):
        return self.head(self.features(x).flatten(1))


torch.save(net.state_dict(), PATH)
modelB = NetB()
result = modelB.load_state_dict(torch.load(PATH), strict=False)
print("missing:", result.missing_keys)
print("unexpected:", result.unexpected_keys)
print(torch.equal(modelB.features[0].weight, net.features[0].weight))

# %%
class NetC(Net):  # 和 A 一样的名字，但 classifier 只输出 2 类：形状不同
    def __init__(self):
        super().__init__()
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(4 * 3 * 3, 2))


state = torch.load(PATH)
try:
    NetC().load_state_dict(state, strict=False)
except RuntimeError as err:
    print(str(err).splitlines()[0])
    print(str(err).splitlines()[1].strip())
mismatched = {k for k, v in NetC().state_dict().items() if k in state and v.shape != state[k].shape}
result = NetC().load_state_dict({k: v for k, v in state.items() if k not in mismatched}, strict=False)
print(sorted(mismatched), result.missing_keys)

# %% [markdown]
# ## 8. 加载到指定设备：map_location（笔记 003 · 6.）
#
# 在 GPU 上保存的文件，张量记着 "cuda:0"；在没有 GPU 的机器上加载要 `map_location`。
# `map_location` 可以是字符串、`torch.device`、字典或函数。

# %%
device = torch.device('cpu')
model = Net()
model.load_state_dict(torch.load(PATH, map_location=device))
sd = torch.load(PATH, map_location='cpu')
print(device, sd["features.0.weight"].device, torch.cuda.is_available())

# %% [markdown]
# ## 9. 保存整个模型（笔记 003 · 2.）
#
# `torch.save(model, PATH)` 用 pickle 保存整个对象；文件里只记着类的**名字**，
# 加载时类必须能 import。从 PyTorch 2.6 起 `torch.load` 默认 `weights_only=True`，
# 只允许张量和普通容器，加载整个模型要显式写 `weights_only=False`（只对可信的文件这样做）。

# %%
torch.save(net, PATH)
try:
    torch.load(PATH)
except pickle.UnpicklingError as err:
    print(type(err).__name__)
    print(str(err).splitlines()[-1])
whole = torch.load(PATH, weights_only=False)
print(type(whole).__name__, torch.equal(whole(x), net(x)))

# %% [markdown]
# ## 10. DataParallel 与 "module." 前缀（笔记 003 · 保存 DataParallel 模型）
#
# `nn.DataParallel(net)` 把原模型存在 `.module` 属性里，所以它的 `state_dict` 的每个键都多了
# `module.` 前缀。（在 CPU 上 DataParallel 不复制模型，直接调用 `net`；第 18 章再谈 GPU。）

# %%
dp = nn.DataParallel(net)
print(list(dp.state_dict())[:2])
print(torch.equal(dp(x), net(x)))

# %% [markdown]
# ### 试一试：把带 "module." 的 state_dict 加载进普通模型

# %%
torch.save(dp.state_dict(), PATH)
bare = Net()
try:
    bare.load_state_dict(torch.load(PATH))
except RuntimeError as err:
    print(err)

# %% [markdown]
# 两种修法：保存时用 `dp.module.state_dict()`（笔记的写法），或者加载时去掉前缀。

# %%
torch.save(dp.module.state_dict(), PATH)
print(bare.load_state_dict(torch.load(PATH)))
sd = {k.removeprefix("module."): v for k, v in dp.state_dict().items()}
print(bare.load_state_dict(sd))

# %% [markdown]
# ### 小部件：state_dict 对不上时比一比
#
# `StateDictDiffView(model, state_dict)` 按前缀分组列出缺少和多余的键、形状不符的参数；
# 勾选 "strip 'module.'" 试一试去掉前缀的修法。

# %%
diff_view = StateDictDiffView(Net(), dp.state_dict())
diff_view

# %%
print(diff_view.state["ok"], len(diff_view.state["missing"]), len(diff_view.state["unexpected"]))
diff_view.controls["strip_module"].value = True
print(diff_view.state["ok"], diff_view.state["error"])
assert diff_view.state["ok"]

# %% [markdown]
# ## 11. 小结
#
# * SGD（动量）：$b \leftarrow \mu b + g,\ p \leftarrow p - \eta b$；Adam 用 $g$ 的一阶、二阶滑动平均并做偏差修正，第一步每个参数移动约 $\eta$。
#   它们的状态（`momentum_buffer`、`exp_avg`、`exp_avg_sq`）在优化器的 `state_dict` 里。
# * 优化器的 `param_groups` 里每组有自己的学习率，调度器就是按规则改写 `group['lr']`。
# * 断点续练要同时保存模型和优化器的 `state_dict`（以及 epoch）；`strict=False` 只放宽名字的检查，形状不同的键仍然报错。
# * `map_location` 决定加载到哪个设备；DataParallel 保存的键带 `module.` 前缀，保存 `net.module.state_dict()` 可以避免。

# %% [markdown]
# ## 12. 练习
#
# 1. `CosineAnnealingLR(opt, T_max=4)` 在 lr=1.0 时前 9 个 epoch 的学习率是什么？（过了 T_max 会回升。）
# 2. 只保存 `net.features` 的 state_dict，再加载进第 7 节的 `NetB().features`，键对得上吗？
# 3. 对 `Adam` 做一步后，它的 `state_dict()["state"][0]` 里有哪些键？
# 4. 笔记 003 · 4.：把两个模型和它们的优化器存进**一个**文件，再分别加载回来。
# 5. **改坏一行**：把 `adam_update` 里的 `p.addcdiv_(m, denom, value=-lr / (1 - beta1**t))` 改成
#    `p.addcdiv_(m, denom, value=-lr)`（去掉一阶矩的偏差修正），用 `exec` 得到坏掉的 `adam_update`，
#    临时换进 `teachtorch/optim/adam.py`，在 `torch.reference_mode()` 里和第 1 节的公式对照第一步的更新量。
# 6. **小项目**：训练一个小线性回归 20 个 epoch：StepLR 每 5 个 epoch 学习率减半；每 5 个 epoch 存一次
#    checkpoint（含调度器的 state_dict）；在第 10 个 epoch 后“断电”，从文件恢复再训练到 20，
#    检查与一口气训练的结果相同。

# %% answer 练习 1～3
w = torch.zeros(1, requires_grad=True)
opt = torch.optim.SGD([w], lr=1.0)
cos = sched.CosineAnnealingLR(opt, T_max=4)
seq = []
for _ in range(9):
    seq.append(round(opt.param_groups[0]["lr"], 4))
    opt.step()
    cos.step()
print(seq)
print(NetB().features.load_state_dict(net.features.state_dict()))
adam = torch.optim.Adam(net.parameters())
criterion(net(x), y).backward()
adam.step()
print(sorted(adam.state_dict()["state"][0]))

# %% answer 练习 4
modelA, modelB = Net(), nn.Linear(4, 2)
optimizerA = torch.optim.SGD(modelA.parameters(), lr=0.1)
optimizerB = torch.optim.Adam(modelB.parameters(), lr=0.01)
torch.save({
    'modelA_state_dict': modelA.state_dict(),
    'modelB_state_dict': modelB.state_dict(),
    'optimizerA_state_dict': optimizerA.state_dict(),
    'optimizerB_state_dict': optimizerB.state_dict(),
}, PATH)
checkpoint = torch.load(PATH)
modelA2, modelB2 = Net(), nn.Linear(4, 2)
print(modelA2.load_state_dict(checkpoint['modelA_state_dict']),
      modelB2.load_state_dict(checkpoint['modelB_state_dict']))
optimizerB2 = torch.optim.Adam(modelB2.parameters(), lr=0.5)
optimizerB2.load_state_dict(checkpoint['optimizerB_state_dict'])
print(optimizerB2.param_groups[0]["lr"])  # 超参数也从文件恢复

# %% answer 练习 5
adam_file = inspect.getmodule(torch.optim.Adam)  # teachtorch/optim/adam.py
source = inspect.getsource(adam_file.adam_update)
broken = source.replace("p.addcdiv_(m, denom, value=-lr / (1 - beta1**t))",
                        "p.addcdiv_(m, denom, value=-lr)")
assert broken != source
namespace = dict(vars(adam_file))
exec(broken, namespace)
original = adam_file.adam_update
for update in (original, namespace["adam_update"]):
    adam_file.adam_update = update  # 临时换掉
    try:
        w = torch.tensor([1.0, -200.0], requires_grad=True)
        opt = torch.optim.Adam([w], lr=0.1)
        (w ** 2).sum().backward()
        with torch.reference_mode():
            opt.step()
    finally:
        adam_file.adam_update = original  # 一定要换回来
    step = torch.tensor([1.0, -200.0]) - w.detach()
    print(update is original, step, torch.allclose(step, torch.tensor([0.1, -0.1]), atol=1e-4))
# 去掉修正后第一步只有 (1 - beta1) * lr = 0.01：前几步走得太慢

# %% answer 练习 6
torch.manual_seed(0)
X = torch.randn(64, 3)
Y = X @ torch.tensor([[1.0], [-2.0], [0.5]]) + 0.3


def run(epochs, resume_from=None):
    torch.manual_seed(0)
    model = nn.Linear(3, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.5)
    scheduler = torch.optim.lr_scheduler.StepLR(opt, step_size=5, gamma=0.5)
    start = 0
    if resume_from is not None:
        ckpt = torch.load(resume_from)
        model.load_state_dict(ckpt["model_state_dict"])
        opt.load_state_dict(ckpt["optimizer_state_dict"])
        scheduler.load_state_dict(ckpt["scheduler_state_dict"])
        start = ckpt["epoch"]
    for epoch in range(start, epochs):
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(X), Y)
        loss.backward()
        opt.step()
        scheduler.step()
        if (epoch + 1) % 5 == 0:
            torch.save({"epoch": epoch + 1, "model_state_dict": model.state_dict(),
                        "optimizer_state_dict": opt.state_dict(),
                        "scheduler_state_dict": scheduler.state_dict(),
                        "loss": loss.item()},
                       os.path.join(workdir.name, f"ckpt_{epoch + 1}.pt"))
    return model, loss.item(), scheduler.get_last_lr()


straight, loss_straight, lr_straight = run(20)
resumed, loss_resumed, lr_resumed = run(20, resume_from=os.path.join(workdir.name, "ckpt_10.pt"))
print(round(loss_straight, 6), round(loss_resumed, 6), lr_straight, lr_resumed)
print(torch.equal(straight.weight, resumed.weight))
print(sorted(f for f in os.listdir(workdir.name) if f.startswith("ckpt")))

# %%
workdir.cleanup()  # 删除本章写的所有文件
