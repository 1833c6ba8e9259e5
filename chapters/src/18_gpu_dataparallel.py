# %% [markdown]
# # 第 18 章　GPU、异步执行与 DataParallel
#
# **本章教什么**：`torch.cuda.is_available()` 与 device 的标准写法；没有 GPU 时 `.cuda()` 会怎样；
# GPU 的异步执行与 `CUDA_LAUNCH_BLOCKING`；`DataParallel` 怎样把一个 batch 分给多块 GPU，
# 以及今天 PyTorch 为什么推荐 DistributedDataParallel。
#
# **对应笔记**：`000_31b0c36760745ae4.txt`（chaper5 4. 使用GPU加速）、
# `003_72661a104065fcb5.txt`（通用并行计算：异步计算、多GPU计算）。
#
# **直觉**：GPU 是另一台有自己内存的“计算机”。张量和模型参数必须在**同一个**设备上才能一起计算，
# 所以写法总是：选一个 `device`，把模型和每个输入都 `.to(device)`。

# %%
import teachtorch as torch

torch.manual_seed(0)
images = torch.randn(16, 1, 28, 28)  # 一批 16 张 28×28 的单通道“图片”
net = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3), torch.nn.ReLU(), torch.nn.Flatten(),
                          torch.nn.Linear(4 * 26 * 26, 10))

# ## 1. GPU（笔记 000 · 4.、笔记 003 · 异步计算、多GPU计算）
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
# 1. 计时要先 `torch.cuda.synchronize()`，否则量到的只是“排队”的时间；
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
#
# 注意：今天 PyTorch 官方推荐的是 `torch.nn.parallel.DistributedDataParallel`（DDP），
# 即使只在一台机器上用多块 GPU 也是如此：DDP 每块 GPU 一个进程，没有 DataParallel
# 单进程里 Python 全局解释器锁和每步复制模型的开销。DataParallel 只有一行、适合入门，
# 所以笔记用它；teachtorch 没有实现 DDP（它需要多进程通信）。

# %%
dp = torch.nn.DataParallel(net)
print(dp.device_ids, torch.equal(dp(images), net(images)))
print(next(iter(dp.state_dict())), "->", next(iter(dp.module.state_dict())))

# %% [markdown]
# ### 打开源码：`DataParallel.forward`
#
# `teachtorch/nn/parallel` 里的 `forward` 把上面的话写成了代码：没有 GPU（`device_ids` 为空）时直接调用原模型；
# 否则 `scatter` 把输入沿第 0 维切块，`replicate` 把模型复制到每块 GPU，各自前向，最后 `gather` 拼回来。

# %%
from teachtorch.widgets import SourceView

dp_source = SourceView(torch.nn.DataParallel)
dp_source.controls["member"].value = "forward"
dp_source

# %% [markdown]
# **没有 GPU，也能试 GPU 的代码路径**：设置环境变量 `TEACHTORCH_FAKE_CUDA=2` 再启动 Python，
# teachtorch 会假装有两块 GPU（数组其实还在 CPU 上，用 NumPy 模拟），`.cuda()`、`.to(device)`、
# DataParallel 的切块和复制都会真的走一遍。它只用来检查代码写得对不对，不会更快。

# %% [markdown]
# ## 2. 小结
#
# * 选 `device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')`，模型和输入都 `.to(device)`；
#   同一份代码在有没有 GPU 的机器上都能跑。
# * GPU 运算是异步的：计时前要 `torch.cuda.synchronize()`；`CUDA_LAUNCH_BLOCKING=1` 让错误指向真正出错的那一行。
# * `DataParallel` 把 batch 沿第 0 维切开分给各 GPU，再拼回输出；保存时用 `dp.module.state_dict()`
#   避免 `module.` 前缀。多 GPU 训练今天推荐 DistributedDataParallel。

# %% [markdown]
# ## 3. 练习
#
# 1. 有 GPU 的机器上，`nn.DataParallel(net).module is net` 吗？
# 2. 把 `dp.state_dict()` 的键去掉 `module.` 前缀，加载进一个新的 `net`，检查两者输出相同。

# %% answer
print(dp.module is net)  # 是的：DataParallel 只是包了一层，原模型在 .module 里
fresh = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3), torch.nn.ReLU(), torch.nn.Flatten(),
                            torch.nn.Linear(4 * 26 * 26, 10))
state = {k.removeprefix("module."): v for k, v in dp.state_dict().items()}
print(fresh.load_state_dict(state))
print(torch.equal(fresh(images), net(images)))
