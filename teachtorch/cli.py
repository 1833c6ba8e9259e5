"""The ``teachtorch`` command: ``teachtorch lab | chapters | doctor``.

- ``teachtorch lab``: JupyterLab on the chapters, bound to 127.0.0.1, token on.
- ``teachtorch chapters``: the chapter list with the notes each mirrors.
- ``teachtorch doctor``: checks NumPy/BLAS, CuPy/GPU, graphviz, widgets, Lab, and the
  data files (with checksums); every line says OK or how to fix it.
"""
import argparse
import importlib
import pathlib
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent

# file stem, title, notes mirrored (files in the notes folder)
CHAPTERS = [
    ("00_start_here", "从这里开始：teachtorch 是什么，怎么用这门课", "README"),
    ("01_tensors", "张量与 NumPy 桥", "000, 001, 004"),
    ("02_views_storage", "view、索引、storage 与 stride，gather/scatter", "000"),
    ("03_broadcasting", "广播、归并操作、expand 与 repeat", "000"),
    ("04_autograd", "autograd：requires_grad、叶子、backward 参数、hook", "000, 003, 004"),
    ("05_backprop_by_hand", "计算图上的反向传播与自定义 autograd.Function", "002, 003, 004"),
    ("06_linear_regression", "梯度下降与线性回归", "002, 000"),
    ("07_logistic_diabetes", "逻辑回归与糖尿病数据集", "002"),
    ("08_dataset_dataloader", "Dataset 与 DataLoader", "000, 001, 002"),
    ("09_softmax_mnist_mlp", "softmax、交叉熵与 MNIST 全连接网络", "002, 000"),
    ("10_cnn_basics", "卷积与池化的算术，1-10-20 CNN", "001, 002"),
    ("11_inception_resnet", "Inception 与残差块", "002"),
    ("12_rnn_basics", "RNN 基础：RNNCell、RNN、Embedding、LSTM/GRU", "002, 000"),
    ("13_names_gru", "双向 GRU 姓名分类器与 pack_padded_sequence", "002"),
    ("14_module_internals", "nn.Module 内部、容器、hook 与初始化", "000, 001, 003"),
    ("15_optim_checkpoints", "优化器、参数组、学习率调度、state_dict 与断点", "000, 003"),
    ("16_vision_tools", "视觉工具：transforms、datasets、make_grid 与现成的模型", "000, 001"),
    ("17_tensorboard_visdom", "TensorBoard 与 visdom：把训练过程画出来", "000, 001"),
    ("18_gpu_dataparallel", "GPU、异步执行与 DataParallel", "000, 003"),
]


def cmd_chapters(args):
    present = {p.stem for p in (ROOT / "chapters").glob("*.ipynb")}
    for stem, title, notes in CHAPTERS:
        mark = " " if stem in present else "(not yet written) "
        print(f"{stem:24s} {mark}{title}  [notes {notes}]")
    return 0


def _line(ok, what, detail):
    print(f"{'OK ' if ok else 'FIX'}  {what}: {detail}")
    return ok


def cmd_doctor(args):
    good = True
    import numpy as np

    blas = "unknown"
    try:
        cfg = np.show_config(mode="dicts")
        blas = cfg.get("Build Dependencies", {}).get("blas", {}).get("name", "unknown")
    except Exception:
        pass
    good &= _line(True, "NumPy", f"{np.__version__} (BLAS: {blas})")
    from teachtorch import _backend

    if _backend.SIMULATED:
        _line(True, "CuPy", "SIMULATED by NumPy (TEACHTORCH_FAKE_CUDA="
              f"{_backend.device_count()}): no real GPU is used")
    elif _backend._cupy is None:
        _line(True, "CuPy", "not installed: CPU only (pip install '.[gpu]' on a GPU "
              "machine)")
    else:
        _line(True, "CuPy", f"{_backend._cupy.__version__}, GPUs: "
              f"{_backend.device_count()}")
    dot = shutil.which("dot")
    good &= _line(bool(dot), "graphviz dot", dot or "missing: apt-get install graphviz "
                  "(graphs then show as DOT text)")
    for mod, fix in (("ipywidgets", "pip install ipywidgets"),
                     ("jupyterlab", "pip install '.[lab]'")):
        try:
            m = importlib.import_module(mod)
            _line(True, mod, m.__version__)
        except ImportError:
            good &= _line(False, mod, f"missing: {fix}")
    try:
        from teachtorch import data_files

        for name in data_files.FILES:
            try:
                p = data_files.path(name)
                _line(True, f"data {name}", f"{p} (SHA-256 verified)")
            except Exception as e:  # noqa: BLE001 - report every problem as a line
                good &= _line(False, f"data {name}", str(e).splitlines()[0])
    except ImportError:
        good &= _line(False, "data files", "teachtorch.data_files missing")
    return 0 if good else 1


def cmd_lab(args):
    chapters = ROOT / "chapters"
    start = "00_start_here.ipynb"
    cmd = [sys.executable, "-m", "jupyter", "lab", f"--notebook-dir={chapters}",
           "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={args.port}",
           f"--LabApp.default_url=/lab/tree/{start}"]
    if args.no_browser:
        cmd.append("--no-browser")
    print("starting:", " ".join(cmd))
    return subprocess.call(cmd)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="teachtorch",
                                     description="teachtorch course tools")
    sub = parser.add_subparsers(dest="cmd", required=True)
    lab = sub.add_parser("lab", help="open the course in JupyterLab (127.0.0.1)")
    lab.add_argument("--port", type=int, default=8888)
    lab.add_argument("--no-browser", action="store_true")
    sub.add_parser("chapters", help="list the chapters and the notes they mirror")
    sub.add_parser("doctor", help="check this machine for what the course needs")
    args = parser.parse_args(argv)
    return {"lab": cmd_lab, "chapters": cmd_chapters, "doctor": cmd_doctor}[args.cmd](
        args)


if __name__ == "__main__":
    sys.exit(main())
