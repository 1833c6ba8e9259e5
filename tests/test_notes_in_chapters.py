"""The notes' code blocks that the chapters mirror really appear in them.

Every line of each mirrored block (comments and blank lines aside, spaces ignored)
must appear in the named chapter's code cells, after the import swap the course
makes (``import torch`` -> ``import teachtorch as torch`` ...). A line the chapter had
to change is listed in ADAPTED with the reason; a REPL expression line ``x.grad`` also
counts when the chapter prints it. That the chapters *run* is checked by nbval.
"""
import json
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTES = ROOT.parent / "shared" / "notes"

SWAPS = {
    "importtorch": "importteachtorchastorch",
    "importtorchvision": "importteachtorch.visionastorchvision",
    "fromtorch.utils.dataimportDataset": "fromteachtorch.utils.dataimportDataset",
    "fromtorch.utils.dataimportDataLoader": "fromteachtorch.utils.dataimportDataLoader",
    "fromtorch.autogradimportVariable": "fromteachtorch.autogradimportVariable",
    "importtorch.nnasnn": "fromteachtorchimportnn",
    "importtorch.nn.functionalasF": "importteachtorch.nn.functionalasF",
}
# imports a chapter does not need (nothing in the block uses them there)
UNUSED_IMPORTS = {"importnumpyasnp", "importmatplotlib.pyplotasplt",
                  "from__future__importprint_function",
                  # chapters import these names in one combined line
                  "fromteachtorch.utils.dataimportDataset",
                  "fromteachtorch.utils.dataimportDataLoader",
                  "importteachtorch.visionastorchvision"}

# (note file prefix, block index) -> chapter stem
MIRRORED = {
    ("000", 0): "04_autograd", ("000", 1): "14_module_internals",
    ("000", 2): "14_module_internals", ("001", 11): "10_cnn_basics",
    ("001", 15): "10_cnn_basics", ("002", 0): "06_linear_regression",
    ("002", 1): "06_linear_regression",
    ("002", 2): "06_linear_regression", ("002", 3): "09_softmax_mnist_mlp",
    ("002", 4): "10_cnn_basics", ("002", 5): "11_inception_resnet",
    ("002", 6): "12_rnn_basics", ("002", 7): "13_names_gru",
    ("003", 1): "14_module_internals", ("003", 2): "05_backprop_by_hand",
    ("003", 12): "05_backprop_by_hand", ("004", 0): "01_tensors",
    ("004", 4): "01_tensors", ("004", 5): "01_tensors", ("004", 6): "01_tensors",
    ("004", 7): "01_tensors", ("004", 8): "04_autograd", ("004", 9): "04_autograd",
    ("004", 10): "04_autograd", ("004", 12): "04_autograd", ("004", 14): "04_autograd",
    ("004", 15): "04_autograd", ("004", 16): "04_autograd", ("004", 17): "04_autograd",
}

# lines a chapter changed on purpose, per block, with the reason
ADAPTED = {
    ("002", 3): {  # only MNIST t10k exists offline: a seeded 8000/2000 split instead
        'x_train=torchvision.datasets.MNIST(root="D:/Drafts/mnist",train=True,download=True,transform=transform)',
        'x_test=torchvision.datasets.MNIST(root="D:/Drafts/mnist",train=False,download=True,transform=transform)',
        "fromtorch.utils.dataimportDataset",
        "forepochinrange(10):"},  # FAST switch: range(2 if FAST else 10)
    ("002", 4): {
        'x_train=torchvision.datasets.MNIST(root="D:/Drafts/mnist",train=True,transform=transform,download=False)',
        'x_test=torchvision.datasets.MNIST(root="D:/Drafts/mnist",train=False,transform=transform,download=False)',
        'device=torch.device("cude:0"iftorch.cuda.is_available()else"cpu")',  # typo fixed
        "forepochinrange(5):"},
    ("002", 5): {
        'x_train=torchvision.datasets.MNIST(root="D:/Drafts/mnist",train=True,transform=transform,download=False)',
        'x_test=torchvision.datasets.MNIST(root="D:/Drafts/mnist",train=False,transform=transform,download=False)',
        "fromtorch.utils.dataimportDataset", "model=MyModule()",
        "criterion=torch.nn.CrossEntropyLoss()",
        "optimizer=torch.optim.Adam(model.parameters(),lr=0.01)",
        "deftrain():", "deftest():", 'if__name__=="__main__":',
        "forepochinrange(10):", 'print("<-----%d----->"%epoch)', "train()", "test()"},
    ("002", 7): {  # shipped names files; FAST loop, not 30 epochs + plot; accuracy in %
        ('fileName="D:\\\\Dataset\\\\ForLearning\\\\names_train.csv.gz"ifis_train_setelse'
         '"D:\\\\Dataset\\\\ForLearning\\\\names_test.csv.gz"'),
        "N_EPOCHS=100", 'print(current_epoch,"testaccuracy:",accuracy)',
        'if__name__=="__main__":', "accuracy_list=[]", "forepochinrange(30):", "train()",
        "accuracy_list.append(test(epoch+1))", "plt.plot(accuracy_list)",
        'plt.xlabel("epoch")', 'plt.ylabel("accuracy")', "plt.show()"},
    ("004", 9): {"y"},  # a REPL display of y; the chapter prints x.grad next
    ("004", 17): {"y.creator"},  # removed from PyTorch: it is y.grad_fn now
}


def _norm(line):
    line = line.strip()
    if not line.startswith(("'''", '"""')):
        line = line.split("#")[0]
    line = re.sub(r"\s+", "", line)
    return SWAPS.get(line, line)


def _lines(text):
    return [n for n in (_norm(x) for x in text.splitlines()) if n]


def _blocks(prefix):
    path = next(NOTES.glob(f"{prefix}_*.txt"))
    return [b for _, b in re.findall(r"```([^\n]*)\n(.*?)```", path.read_text("utf-8"),
                                     re.DOTALL)]


def _chapter_lines(stem):
    nb = json.loads((ROOT / "chapters" / f"{stem}.ipynb").read_text("utf-8"))
    lines = set()
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            lines.update(_lines("".join(cell["source"])))
    return lines


@pytest.mark.skipif(not NOTES.is_dir(), reason="../shared/notes is not beside the repo")
@pytest.mark.parametrize("key", sorted(MIRRORED), ids=lambda k: f"{k[0]}-{k[1]}")
def test_mirrored_block_appears_in_its_chapter(key):
    block = _blocks(key[0])[key[1]]
    chapter = _chapter_lines(MIRRORED[key])
    allowed = ADAPTED.get(key, set()) | UNUSED_IMPORTS
    missing = [ln for ln in _lines(block) if ln not in chapter and ln not in allowed
               and f"print({ln})" not in chapter]
    assert not missing, f"{MIRRORED[key]} lacks lines of note {key[0]} block {key[1]}: " \
                        f"{missing}"
