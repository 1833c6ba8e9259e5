"""The ``teachtorch`` command: ``teachtorch lab | chapters | doctor``.

- ``teachtorch lab``: JupyterLab on the chapters, bound to 127.0.0.1, token on. In a
  source checkout it opens the repository's ``chapters/``; from an installed wheel it
  first copies the chapters into a folder of the learner's own (``--dir``, default
  ``~/teachtorch-chapters``) and never overwrites a notebook the learner edited.
- ``teachtorch chapters``: the chapter list with the notes each mirrors.
- ``teachtorch doctor``: checks NumPy/BLAS, CuPy/GPU, graphviz, widgets, Lab, Chromium,
  the chapters and the data files (with checksums); every line says OK or how to fix it.
"""
import argparse
import importlib
import json
import os
import pathlib
import shutil
import subprocess
import sys

from teachtorch import _kernel_env

PACKAGE = pathlib.Path(__file__).resolve().parent
ROOT = PACKAGE.parent
DEFAULT_DIR = "~/teachtorch-chapters"
START = "00_start_here.ipynb"
# what `teachtorch lab` copied, by SHA-256: a notebook that no longer matches was
# edited by the learner and is kept
COPIED = ".teachtorch-copied.json"


def in_source_checkout():
    """True when this teachtorch runs from the repository (``make lab``)."""
    return (ROOT / "pyproject.toml").is_file() and (ROOT / "chapters").is_dir()


def shipped_chapters():
    """The folder with the course's notebooks: the repository's, or the wheel's copy."""
    if in_source_checkout():
        return ROOT / "chapters"
    return PACKAGE / "_course" / "chapters"


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
    present = {p.stem for p in shipped_chapters().glob("*.ipynb")}
    for stem, title, notes in CHAPTERS:
        mark = " " if stem in present else "(not yet written) "
        print(f"{stem:24s} {mark}{title}  [notes {notes}]")
    return 0


def _line(ok, what, detail):
    """One doctor line: OK, FIX (something to do), or -- (optional, missing)."""
    print(f"{'OK ' if ok else '-- ' if ok is None else 'FIX'}  {what}: {detail}")
    return ok is not False


def cmd_doctor(args):
    good = True
    import numpy as np

    blas = "unknown"
    try:
        cfg = np.show_config(mode="dicts")
        blas = cfg.get("Build Dependencies", {}).get("blas", {}).get("name", "unknown")
    except Exception:  # noqa: BLE001, S110 - older NumPy: the name stays "unknown"
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
                     ("jupyterlab", "pip install 'teachtorch[lab]'")):
        try:
            m = importlib.import_module(mod)
            _line(True, mod, m.__version__)
        except ImportError:
            good &= _line(False, mod, f"missing: {fix}")
    chromium = shutil.which("chromium")
    _line(True if chromium else None, "chromium", chromium or "not installed (only the "
          "browser test needs it: apt-get install chromium fonts-wqy-microhei)")
    notebooks = sorted(shipped_chapters().glob("*.ipynb"))
    good &= _line(bool(notebooks), "chapters",
                  f"{len(notebooks)} notebooks in {shipped_chapters()}" if notebooks
                  else f"none in {shipped_chapters()}: reinstall teachtorch")
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


def _sha256(file):
    from teachtorch.data_files import sha256

    return sha256(file)


def _free_name(folder, stem):
    """``stem.mine.ipynb``, or ``stem.mine-2.ipynb`` ... when that is taken."""
    name, k = f"{stem}.mine.ipynb", 2
    while (folder / name).exists():
        name, k = f"{stem}.mine-{k}.ipynb", k + 1
    return folder / name


def copy_chapters(source, folder, overwrite=False):
    """Copy the course's notebooks into ``folder``, keeping the ones the learner edited.

    A notebook already there is replaced only when it is still the copy we made (its
    SHA-256 is recorded in ``.teachtorch-copied.json``) and the course's version
    changed. An edited one is kept and named; ``overwrite=True`` replaces it and keeps
    the learner's version as ``NAME.mine.ipynb``. Returns the names kept.
    """
    folder.mkdir(parents=True, exist_ok=True)
    record_file = folder / COPIED
    record = json.loads(record_file.read_text()) if record_file.is_file() else {}
    copied, kept = [], []
    for src in sorted(source.glob("*.ipynb")):
        dst, digest = folder / src.name, _sha256(src)
        if dst.exists():
            have = _sha256(dst)
            if have == digest:
                record[src.name] = digest
                continue
            if have != record.get(src.name):  # the learner changed it
                if not overwrite:
                    kept.append(src.name)
                    continue
                mine = _free_name(folder, dst.stem)
                dst.rename(mine)
                print(f"your edited {src.name} is now {mine.name}")
        shutil.copyfile(src, dst)
        record[src.name] = digest
        copied.append(src.name)
    record_file.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
    print(f"chapters in {folder}: {len(copied)} copied from the course")
    for name in kept:
        print(f"kept your edited {name} (the course's copy differs; "
              "`teachtorch lab --overwrite` replaces it and keeps yours as "
              f"{name[:-6]}.mine.ipynb)")
    return kept


def lab_command(folder, port, no_browser):
    """The ``jupyter lab`` command line: 127.0.0.1, the server's own random token."""
    cmd = [sys.executable, "-m", "jupyter", "lab", f"--ServerApp.root_dir={folder}",
           "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
           f"--LabApp.default_url=/lab/tree/{START}"]
    if no_browser:
        cmd.append("--no-browser")
    if getattr(os, "geteuid", lambda: -1)() == 0:
        print("running as root: adding --allow-root (JupyterLab refuses root without "
              "it; it still listens on 127.0.0.1 only, with a token)")
        cmd.append("--allow-root")
    return cmd


def cmd_lab(args):
    source = shipped_chapters()
    if args.dir is None and in_source_checkout():
        folder = source
    else:
        folder = pathlib.Path(args.dir or DEFAULT_DIR).expanduser().resolve()
        copy_chapters(source, folder, overwrite=args.overwrite)
    if args.copy_only:
        return 0
    # kernels print the numbers stored in the notebooks: one BLAS thread, AVX2 kernels
    env = _kernel_env.pin(dict(os.environ))
    cmd = lab_command(folder, args.port, args.no_browser)
    print("starting:", " ".join(cmd), flush=True)
    return subprocess.call(cmd, env=env)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="teachtorch",
                                     description="teachtorch course tools")
    sub = parser.add_subparsers(dest="cmd", required=True)
    lab = sub.add_parser("lab", help="open the course in JupyterLab (127.0.0.1)")
    lab.add_argument("--port", type=int, default=8888)
    lab.add_argument("--no-browser", action="store_true")
    lab.add_argument("--dir", help="your chapters folder (from an installed wheel the "
                     f"default is {DEFAULT_DIR}; in the repository, chapters/)")
    lab.add_argument("--overwrite", action="store_true",
                     help="replace chapters you edited (yours are kept as "
                     "*.mine.ipynb)")
    lab.add_argument("--copy-only", action="store_true",
                     help="copy the chapters into --dir and stop (no JupyterLab)")
    sub.add_parser("chapters", help="list the chapters and the notes they mirror")
    sub.add_parser("doctor", help="check this machine for what the course needs")
    args = parser.parse_args(argv)
    return {"lab": cmd_lab, "chapters": cmd_chapters, "doctor": cmd_doctor}[args.cmd](
        args)


if __name__ == "__main__":
    sys.exit(main())
