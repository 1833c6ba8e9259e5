# %% [markdown]
# # 第 0 章　从这里开始
#
# **teachtorch** 是用可读的 NumPy 重新写成的 PyTorch：同样的 API（`tensor`、`autograd`、
# `nn`、`optim`、`utils.data`……），同样的数值，但每一行源码你都可以点进去读懂。
# 这门课由一组章节笔记本组成，每一章对应学习笔记（`shared/notes/` 中的五份笔记）里的一个主题：
# 先运行笔记里的原始代码，再用小部件（widget）看清 PyTorch 在内部做了什么。
#
# 本章教你：
#
# 1. 怎样用 `import teachtorch as torch` 运行笔记中的代码；
# 2. teachtorch 与 PyTorch 哪里相同、哪里不同；
# 3. 每一章的结构，以及全部章节的目录。

# %% [markdown]
# ## 1. 第一段代码
#
# 笔记里的代码写的是 `import torch`。在这门课里，只需把这一行换成
# `import teachtorch as torch`，其余代码一字不改。

# %%
import teachtorch as torch

torch.manual_seed(0)
print("teachtorch", torch.__version__)

x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
y = (x * x).sum()
y.backward()
print(y)
print(x.grad)  # d(sum x^2)/dx = 2x

# %% [markdown]
# 输出和 PyTorch 完全一样：`tensor(30., grad_fn=<SumBackward0>)`，梯度是 `2x`。
# `grad_fn=<SumBackward0>` 说明 `y` 是由求和运算得到的，反向传播会从这里出发。

# %% [markdown]
# ## 2. 与 PyTorch 相同的地方、不同的地方
#
# | | PyTorch | teachtorch |
# |---|---|---|
# | API 与打印格式 | `torch.*` | 相同（`repr`、`grad_fn` 名称、报错文字都相同） |
# | 数值 | C++/CUDA 内核 | NumPy（GPU 上用 CuPy），float32 结果在舍入误差内一致 |
# | view / stride / storage | 真实的内存共享 | 同样真实：`view`、切片、`transpose`、`expand` 共享内存 |
# | 随机数 | Philox/MT 随机流 | NumPy PCG64：同一个种子在 teachtorch 内可复现，但与 PyTorch 的随机数不同 |
# | 报错 | PyTorch 的异常类型和文字 | 相同，并多一行 `hint:` 告诉你怎么改 |
# | 速度 | 很快 | 目标：在 CPU 上与 PyTorch 相差不超过几倍（见 `benchmarks/`） |
#
# 下面的单元格故意触发一个经典错误：对转置后（不连续）的张量调用 `view`。
# 注意最后一行的 `hint:`。

# %%
a = torch.arange(6).view(2, 3)
try:
    a.t().view(6)
except RuntimeError as err:
    print(type(err).__name__)
    print(err)

# %% [markdown]
# ## 3. 每一章的结构
#
# 每一章都按同样的顺序展开（和《动手学深度学习》d2l 的小节结构相同）：
#
# 1. **本章教什么、对应哪份笔记**；
# 2. **直觉与公式**：先用一两句话和一个公式说清楚要做什么，再看代码；
# 3. **笔记原文代码**，在 teachtorch 上原样运行，每个单元格只做一件事；
# 4. **打开源码**：每章都直接打开 teachtorch 里实现这个概念的源码（`inspect.getsource` 或
#    小部件 `SourceView`）；第 1–8 章每章至少两处，读完后在练习里“改坏一行”，
#    看 `gradcheck` 或与正确结果的对比如何失败；
# 5. **小部件或图**：计算图、反向传播的边权、卷积窗口滑动、训练曲线……每个小部件后面都有一个
#    检查其状态的单元格；
# 6. **试一试**：故意触发本章的经典错误，读一读报错和提示；
# 7. **小结**：本章要点；
# 8. **练习**：参考答案折叠在“参考答案”里，点击才展开（在 GitHub、nbviewer 上也是折叠的）。
#    答案的代码在测试时同样会运行，保证它们一直是对的。
#
# 下面是全部章节的目录（用 `teachtorch chapters` 命令也能在终端里看到）。

# %%
from teachtorch.cli import CHAPTERS

for stem, title, notes in CHAPTERS:
    print(f"{stem:24s} {title}  （笔记 {notes}）")

# %% [markdown]
# ## 4. 打开源码
#
# teachtorch 的每个函数都是可以读的 Python。`inspect.getsource` 把源码打印出来：
# 下面是 `Tensor.t()`，它只是把工作交给 `teachtorch.ops` 里的转置操作。

# %%
import inspect

print(inspect.getsource(torch.Tensor.t))

# %% [markdown]
# 在 JupyterLab 里，也可以在名字后面加两个问号（`torch.Tensor.t??`）查看源码。
# 小部件 `SourceView` 把源码高亮显示，标出文件和行号，列出打开这段源码的章节；
# 类的各个方法可以在下拉框里切换。看看 `nn.Linear` 是怎么写的：

# %%
from teachtorch.widgets import SourceView

linear_source = SourceView(torch.nn.Linear)
linear_source

# %%
linear_source.controls["member"].value = "forward"
print(linear_source.state["file"], linear_source.state["member"])
assert linear_source.state["error"] is None

# %% [markdown]
# 以后的章节会用同样的办法打开 `view`、反向传播引擎、`SGD.step`、`DataLoader` 的迭代器……

# %% [markdown]
# ## 5. 小结
#
# * 把 `import torch` 换成 `import teachtorch as torch`，笔记里的代码就能原样运行；
#   打印格式、`grad_fn` 名称和报错文字都与 PyTorch 相同，报错多一行 `hint:`。
# * teachtorch 的随机数流与 PyTorch 不同：同一个种子在 teachtorch 内可复现，
#   所以每一章开头都调用 `torch.manual_seed(0)`。
# * 每一章都会打开实现本章概念的源码；前 8 章还会在练习里把它改坏一行，看看会发生什么。

# %% [markdown]
# ## 6. 练习
#
# 1. 把上面的 `y = (x * x).sum()` 改成 `y = (x ** 3).sum()`，先手算 `x.grad`，再运行验证。
# 2. `a.t().view(6)` 失败了。按照提示，用两种不同的方法把 `a.t()` 展平成长度 6 的张量。

# %% answer
x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
(x ** 3).sum().backward()
print(x.grad)  # 3x^2
print(a.t().contiguous().view(6))
print(a.t().reshape(6))
