# %% [markdown]
# # 第 18 章　GPU、异步执行与 DataParallel
#
# **本章教什么**：`torch.cuda.is_available()` 与 device 的标准写法；没有 GPU 时 `.cuda()` 会怎样；
# GPU 的异步执行与 `CUDA_LAUNCH_BLOCKING`；`DataParallel` 怎样把一个 batch 分给多块 GPU，
# 在没有 GPU 的机器上用模拟的两块 GPU 把 DataParallel 真正走一遍；DataParallel 与
# DistributedDataParallel（今天 PyTorch 推荐的做法）的区别，以及 DDP 的梯度平均为什么等于整批的梯度。
#
# **对应笔记**：`000_31b0c36760745ae4.txt`（chaper5 4. 使用GPU加速）、
# `003_72661a104065fcb5.txt`（通用并行计算：异步计算、多GPU计算）。
#
# **直觉**：GPU 是另一台有自己内存的“计算机”。张量和模型参数必须在**同一个**设备上才能一起计算，
# 所以写法总是：选一个 `device`，把模型和每个输入都 `.to(device)`。

# %%
import inspect
import os
import subprocess
import sys
import tempfile

import teachtorch as torch
from teachtorch.widgets import SourceView

torch.manual_seed(0)  # 之后所有随机数（randn、初始化）都由它决定
images = torch.randn(16, 1, 28, 28)  # 一批 16 张 28×28 的单通道“图片”
net = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3), torch.nn.ReLU(), torch.nn.Flatten(),
                          torch.nn.Linear(4 * 26 * 26, 10))

# %% [markdown]
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
# 打开 `Tensor.to` 背后的函数：解析参数得到 device 和 dtype；要去 GPU 却没有 GPU 时抛出
# 下面会看到的错误；设备不同才真的搬（`ToDevice`，它的反向把梯度搬回原设备），否则原样返回
# **同一个**张量（所以 `x.to('cpu') is x`）。

# %%
from teachtorch.ops.device_ops import to as tensor_to

SourceView(tensor_to)

# %%
x_cpu = torch.ones(2)
print(x_cpu.to("cpu") is x_cpu, x_cpu.to(torch.float64) is x_cpu)

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
SourceView(torch.nn.DataParallel.forward)

# %% [markdown]
# ## 2. 没有 GPU，也能走一遍 GPU 的代码路径
#
# 设置环境变量 `TEACHTORCH_FAKE_CUDA=2` 再启动 Python，teachtorch 会假装有两块 GPU
# （数组其实还在 CPU 上，用 NumPy 模拟），`.cuda()`、`.to(device)`、DataParallel 的切块和复制都会真的走一遍。
# 它只用来检查代码写得对不对，不会更快。环境变量要在 `import teachtorch` **之前**设好，
# 所以下面把一段脚本交给一个新的 Python 进程运行（本 notebook 的进程不受影响）：

# %%
workdir = tempfile.TemporaryDirectory()  # 本章写的脚本放在这里，最后删除


def run_with_two_fake_gpus(code):
    """在一个设置了 TEACHTORCH_FAKE_CUDA=2 的新 Python 进程里运行 code，打印它的输出。"""
    script = os.path.join(workdir.name, "script.py")
    with open(script, "w") as f:
        f.write(code)
    env = dict(os.environ, TEACHTORCH_FAKE_CUDA="2")
    result = subprocess.run([sys.executable, script], env=env, capture_output=True,
                            text=True, timeout=120)
    print(result.stdout.strip() or result.stderr.strip()[-500:])


DP_DEMO = """
import teachtorch as torch
from teachtorch.nn.parallel import data_parallel

torch.manual_seed(0)
net = torch.nn.Linear(4, 2).cuda()
dp = torch.nn.DataParallel(net)
x = torch.randn(6, 4).cuda()
print("GPUs:", torch.cuda.device_count(), "device_ids:", dp.device_ids)
chunks = data_parallel.scatter((x,), dp.device_ids)
print("scatter:", [(tuple(c[0].shape), str(c[0].device)) for c in chunks])
replicas = data_parallel.replicate(net, dp.device_ids)
print("replicas on:", [str(r.weight.device) for r in replicas])
out = dp(x)
print("gathered:", tuple(out.shape), out.device, torch.allclose(out, net(x)))
out.sum().backward()
grad_dp = net.weight.grad.clone()
net.weight.grad = None
net(x).sum().backward()
print("grad summed from both replicas == grad without DP:",
      torch.allclose(grad_dp, net.weight.grad))
"""
run_with_two_fake_gpus(DP_DEMO)

# %% [markdown]
# 6 个样本被切成 3 + 3，分给 `cuda:0` 和 `cuda:1`；`cuda:1` 上的副本的参数是原参数 `.to('cuda:1')`，
# 所以反向时两块 GPU 的梯度都加回原参数的 `.grad`：和不用 DataParallel 时一样。

# %% [markdown]
# ## 3. DataParallel 与 DistributedDataParallel
#
# 今天 PyTorch 官方推荐的是 `torch.nn.parallel.DistributedDataParallel`（DDP），即使只在一台机器上
# 用多块 GPU 也是如此。两者都是“数据并行”：每块 GPU 有一份完整的模型，处理 batch 的一部分。区别在于怎样组织：
#
# | | DataParallel | DistributedDataParallel |
# |---|---|---|
# | 进程 | 一个进程、多个线程 | 每块 GPU 一个进程 |
# | 每一步 | 把模型复制到各 GPU，输出收集到 GPU 0 | 模型只在开始时复制一次 |
# | 梯度 | 反向时加回 GPU 0 上的原参数 | 反向时各进程 all-reduce（求平均），各自更新 |
# | 数据 | 一个 DataLoader，batch 被切开 | 每个进程自己的 DataLoader + `DistributedSampler` |
# | 开销 | 受 Python 全局解释器锁（GIL）限制，GPU 0 负担重 | 没有 GIL 争用，通信与反向重叠 |
# | 写法 | 一行：`nn.DataParallel(net)` | 要初始化进程组，用 `torchrun` 启动 |
#
# DDP 的骨架（在 PyTorch 里；teachtorch 没有实现 DDP，它需要多进程通信，所以这里不运行）：
#
# ```python
# # train.py，用 torchrun --nproc_per_node=2 train.py 启动：每块 GPU 一个进程
# import os, torch, torch.distributed as dist
# from torch.nn.parallel import DistributedDataParallel as DDP
# from torch.utils.data.distributed import DistributedSampler
#
# dist.init_process_group("nccl")                      # 进程之间怎样通信
# rank = int(os.environ["LOCAL_RANK"])                 # 我是第几块 GPU
# torch.cuda.set_device(rank)
# model = DDP(Net().to(rank), device_ids=[rank])
# sampler = DistributedSampler(dataset)                # 每个进程拿到不重叠的一份数据
# loader = DataLoader(dataset, batch_size=64, sampler=sampler)
# for epoch in range(epochs):
#     sampler.set_epoch(epoch)                         # 每轮换一种打乱
#     for x, y in loader:
#         loss = criterion(model(x.to(rank)), y.to(rank))
#         optimizer.zero_grad(); loss.backward()       # backward 里 all-reduce 平均梯度
#         optimizer.step()
# dist.destroy_process_group()
# ```
#
# 为什么“各算一半、梯度求平均”等于整批的梯度？损失是平均值：$L = \frac1N\sum_n \ell_n$。
# 两个进程各拿 $N/2$ 个样本、各自算平均 $L_1, L_2$，则 $L = \frac12(L_1 + L_2)$，
# 所以 $\nabla L = \frac12(\nabla L_1 + \nabla L_2)$——正是 all-reduce 求平均。在 CPU 上验证：

# %%
torch.manual_seed(0)
model = torch.nn.Linear(4, 2)
x, y = torch.randn(8, 4), torch.randint(0, 2, (8,))
criterion = torch.nn.CrossEntropyLoss()
grads = []
for part in (slice(0, 4), slice(4, 8)):  # 两个"进程"各拿一半
    model.zero_grad()
    criterion(model(x[part]), y[part]).backward()
    grads.append(model.weight.grad.clone())
model.zero_grad()
criterion(model(x), y).backward()           # 一个进程算整批
print(torch.allclose((grads[0] + grads[1]) / 2, model.weight.grad))

# %% [markdown]
# ## 4. 小结
#
# * 选 `device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')`，模型和输入都 `.to(device)`；
#   同一份代码在有没有 GPU 的机器上都能跑。
# * GPU 运算是异步的：计时前要 `torch.cuda.synchronize()`；`CUDA_LAUNCH_BLOCKING=1` 让错误指向真正出错的那一行。
# * `DataParallel` 把 batch 沿第 0 维切开分给各 GPU，再拼回输出；保存时用 `dp.module.state_dict()`
#   避免 `module.` 前缀。`TEACHTORCH_FAKE_CUDA=2` 在没有 GPU 的机器上模拟两块 GPU，检查代码路径。
# * 多 GPU 训练今天推荐 DistributedDataParallel：每块 GPU 一个进程、反向时 all-reduce 平均梯度；
#   因为损失是平均值，各进程梯度的平均等于整批的梯度。

# %% [markdown]
# ## 5. 练习
#
# 1. 有 GPU 的机器上，`nn.DataParallel(net).module is net` 吗？
# 2. 把 `dp.state_dict()` 的键去掉 `module.` 前缀，加载进一个新的 `net`，检查两者输出相同。
# 3. 第 3 节的验证里，如果两个“进程”分到的样本数不同（比如 5 和 3），梯度的简单平均还等于整批的梯度吗？
# 4. **改坏一行**：把 `scatter` 里的 `p[i].to(...)` 改成 `p[0].to(...)`（每块 GPU 都拿到第一块数据），
#    在模拟两块 GPU 的进程里用 `exec` 换上坏掉的 `scatter`，和不用 DataParallel 的输出对照。

# %% answer 练习 1～2
print(dp.module is net)  # 是的：DataParallel 只是包了一层，原模型在 .module 里
fresh = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3), torch.nn.ReLU(), torch.nn.Flatten(),
                            torch.nn.Linear(4 * 26 * 26, 10))
state = {k.removeprefix("module."): v for k, v in dp.state_dict().items()}
print(fresh.load_state_dict(state))
print(torch.equal(fresh(images), net(images)))

# %% answer 练习 3
grads = []
for part in (slice(0, 5), slice(5, 8)):
    model.zero_grad()
    criterion(model(x[part]), y[part]).backward()
    grads.append(model.weight.grad.clone())
model.zero_grad()
criterion(model(x), y).backward()
print(torch.allclose((grads[0] + grads[1]) / 2, model.weight.grad),
      torch.allclose((5 * grads[0] + 3 * grads[1]) / 8, model.weight.grad))
# 不等：要按样本数加权。所以 DistributedSampler 让每个进程拿到同样多的样本（不够时补几个）

# %% answer 练习 4
BROKEN_DEMO = """
import inspect
import teachtorch as torch
from teachtorch.nn.parallel import data_parallel

source = inspect.getsource(data_parallel.scatter)
broken = source.replace('p[i].to(f"cuda:{device_ids[i]}")', 'p[0].to(f"cuda:{device_ids[i]}")')
assert broken != source
namespace = dict(vars(data_parallel))
exec(broken, namespace)
torch.manual_seed(0)
net = torch.nn.Linear(4, 2).cuda()
x = torch.randn(6, 4).cuda()
print(torch.allclose(torch.nn.DataParallel(net)(x), net(x)))
data_parallel.scatter = namespace["scatter"]  # 只在这个子进程里换掉
print(torch.allclose(torch.nn.DataParallel(net)(x), net(x)))
"""
run_with_two_fake_gpus(BROKEN_DEMO)

# %%
workdir.cleanup()  # 删除本章写的脚本
