
"""Arithmetic across dtypes, division by zero, overflow, NaN/inf and empty inputs."""

CASES = []

PAIRS = [
    ("int/int0", "torch.tensor([1, 2, -3])", "torch.tensor([0, 0, 0])"),
    ("int/int", "torch.tensor([7, -7, 3])", "torch.tensor([2, 2, -2])"),
    ("int/0", "torch.tensor([1, 2])", "0"),
    ("float/0", "torch.tensor([1.0, -1.0, 0.0])", "0"),
    ("float/int", "torch.tensor([1.5, 2.5])", "torch.tensor([2, 3])"),
    ("bool/bool", "torch.tensor([True, False])", "torch.tensor([True, True])"),
    ("uint8/uint8", "torch.tensor([250, 3], dtype=torch.uint8)",
     "torch.tensor([10, 5], dtype=torch.uint8)"),
    ("(2,3)/(4,)", "torch.ones(2, 3)", "torch.ones(4)"),
    ("0-dim/1-dim", "torch.tensor(2.0)", "torch.tensor([1.0, 2.0])"),
    ("int8 scalar", "torch.tensor([100], dtype=torch.int8)", "100"),
    ("float16", "torch.tensor([60000.0], dtype=torch.float16)", "2.0"),
    ("int/float scalar", "torch.tensor([1, 2])", "2.5"),
    ("nan", "torch.tensor([float('nan'), 1.0])", "torch.tensor([1.0, float('inf')])"),
    ("list", "torch.tensor([1.0, 2.0])", "[1.0, 2.0]"),
    ("str", "torch.tensor([1.0])", "'a'"),
    ("empty", "torch.tensor([])", "torch.ones(0)"),
]
OPS = ["+", "-", "*", "/", "//", "%", "**", "@", "&", "|", "<<", ">>", "==", "<"]
for op in OPS:
    for name, a, b in PAIRS:
        CASES.append((f"binary: {name} {op}", f"a = {a}\nb = {b}\na {op} b"))

for fn in ["torch.div(a, b, rounding_mode='floor')", "torch.div(a, b, rounding_mode='trunc')",
           "torch.div(a, b, rounding_mode='round')", "torch.fmod(a, b)",
           "torch.remainder(a, b)", "torch.floor_divide(a, b)", "torch.true_divide(a, b)",
           "torch.maximum(a, b)", "torch.atan2(a, b)", "torch.pow(a, b)",
           "a.add_(b)", "a.div_(b)", "a.mul_(b)", "a.sub_(b)"]:
    for name, a, b in PAIRS[:7]:
        CASES.append((f"fn: {name} {fn}", f"a = {a}\nb = {b}\n{fn}"))

UNARY = ["sqrt", "log", "log2", "log1p", "exp", "expm1", "sin", "abs", "neg", "sigmoid",
         "tanh", "relu", "floor", "round", "sign", "reciprocal", "rsqrt", "erf", "ceil",
         "trunc", "frac", "square", "exp2", "logit", "acos", "asin", "atan", "sinh",
         "cosh", "isnan", "isinf", "isfinite", "nan_to_num", "bitwise_not", "logical_not"]
INPUTS = [("int", "torch.tensor([-2, 0, 3])"), ("bool", "torch.tensor([True, False])"),
          ("negative", "torch.tensor([-1.0, -0.5, 0.0])"),
          ("empty", "torch.tensor([])"),
          ("naninf", "torch.tensor([float('nan'), float('inf'), -float('inf')])"),
          ("uint8", "torch.tensor([0, 200], dtype=torch.uint8)"),
          ("big", "torch.tensor([100.0, 1e30, -100.0])"),
          ("0-dim", "torch.tensor(0.25)")]
for op in UNARY:
    for name, make in INPUTS:
        CASES.append((f"unary: {op} of {name}", f"torch.{op}({make})"))

for code in [
    "torch.tensor([1, 2]) // 0", "torch.tensor([1, 2]) % 0", "torch.tensor(5) // torch.tensor(0)",
    "torch.tensor([2]) ** -1", "torch.tensor([0]) ** -1", "torch.tensor([2.0]) ** -1",
    "torch.tensor([2 ** 62]) * 4", "torch.tensor([127], dtype=torch.int8) + 1",
    "torch.tensor([1e38]) * 10", "torch.tensor([0.0]) / 0", "torch.tensor([-1.0]).log()",
    "torch.tensor([1.0, float('nan')]).max()", "torch.tensor([1.0, float('nan')]).argmax()",
    "torch.tensor([3.0, float('nan'), 1.0]).sort().values",
    "torch.tensor([float('nan')]) == torch.tensor([float('nan')])",
    "torch.allclose(torch.tensor([float('nan')]), torch.tensor([float('nan')]))",
    "torch.allclose(torch.tensor([1.0]), torch.tensor([1, 2]))",
    "torch.allclose(torch.tensor([1.0]), torch.tensor([1]))",
    "torch.equal(torch.tensor([1.0]), torch.tensor([1]))",
    "torch.isclose(torch.tensor([1.0]), torch.tensor([1.0 + 1e-9]))",
    "torch.tensor([0.5, 1.5, 2.5, -0.5]).round()",
    "torch.tensor([1.2345]).round(decimals=2)",
    "torch.tensor([-7, 7]) // 2", "torch.tensor([-7, 7]) % -3",
    "torch.tensor([-7.5, 7.5]).fmod(2)", "torch.tensor([1e10]).int()",
    "torch.tensor([float('nan')]).long()", "torch.tensor([float('inf')]).int()",
    "torch.tensor([70000.0]).half()", "torch.tensor([1e-8]).half()",
    "torch.tensor([65504.0], dtype=torch.float16) * 2",
    "torch.tensor([1.0, 2.0], dtype=torch.float16).sum()",
    "torch.tensor([1, 2], dtype=torch.int32).sum().dtype",
    "torch.tensor([True, True]).sum()", "torch.tensor([200, 100], dtype=torch.uint8).sum()",
    "torch.tensor([1, 2]).mean()", "torch.tensor([1, 2]).float().mean()",
    "torch.tensor([1, 2]).std()", "torch.tensor([1.0]).std()", "torch.tensor([1.0]).var()",
    "torch.tensor([]).mean()", "torch.tensor([]).sum()", "torch.tensor([]).max()",
    "torch.tensor([]).softmax(0)", "torch.tensor([[]]).mean(1)",
    "torch.tensor([1e4, 1e4]).softmax(0)", "torch.tensor([-float('inf'), 0.0]).softmax(0)",
    "torch.tensor([-float('inf'), -float('inf')]).softmax(0)",
    "torch.tensor([-float('inf'), 0.0]).log_softmax(0)",
    "torch.tensor([100.0, -100.0]).sigmoid()", "torch.tensor([1000.0]).exp()",
    "torch.tensor([-1000.0]).exp()", "torch.tensor([0.0]).log()",
    "torch.tensor([1.0]).clamp(min=2.0, max=1.0)",
    "torch.tensor([3]).clamp(min=0.5)", "torch.tensor([3]).clamp(max=torch.tensor(2.5))",
    "torch.sqrt(torch.tensor(-4.0))", "torch.tensor(-8.0) ** (1 / 3)",
    "torch.tensor([2], dtype=torch.int64) ** 70", "torch.tensor(10) ** torch.tensor(-2)",
    "torch.tensor([1, 2]) / torch.tensor([2, 4])", "(torch.tensor([1, 2]) / 2).dtype",
    "torch.tensor([1, 2], dtype=torch.uint8) - 3", "-torch.tensor([1], dtype=torch.uint8)",
    "-torch.tensor([True])", "torch.tensor([True]) - torch.tensor([True])",
    "torch.tensor([True]) + torch.tensor([True])", "~torch.tensor([1.0])",
    "~torch.tensor([5])", "torch.tensor([5]) >> 1", "torch.tensor([1.5]) >> 1",
    "torch.tensor([1.0]) & torch.tensor([1.0])", "abs(torch.tensor([-2, 3]))",
    "divmod(torch.tensor([7]), 2)", "round(torch.tensor(2.5))", "math_floor = 1\n3 // torch.tensor([2])",
    "2 ** torch.tensor([3])", "2 / torch.tensor([0])", "1 - torch.tensor([True])",
    "torch.tensor([1, 2]) < 'a'", "torch.tensor([1.0]) == None",
    "torch.tensor([[1.0, 2.0]]) @ torch.tensor([[1.0, 2.0]])",
    "torch.tensor([1, 2]) @ torch.tensor([1.0, 2.0])",
    "torch.tensor([1.0, 2.0]) @ torch.tensor([1.0, 2.0, 3.0])",
    "torch.tensor(2.0) @ torch.tensor(3.0)", "torch.mm(torch.ones(2), torch.ones(2))",
    "torch.mm(torch.ones(2, 3), torch.ones(2, 3))", "torch.bmm(torch.ones(2, 3), torch.ones(3, 2))",
    "torch.bmm(torch.ones(2, 2, 3), torch.ones(3, 3, 2))",
    "torch.matmul(torch.ones(2, 2, 3), torch.ones(3, 4)).shape",
    "torch.mv(torch.ones(2, 3), torch.ones(2))", "torch.dot(torch.ones(2), torch.ones(3))",
    "torch.dot(torch.ones(2), torch.ones(2, 1))", "torch.dot(torch.ones(2), torch.ones(2).int())",
    "torch.outer(torch.ones(2), torch.ones(3))", "torch.ones(2, 3).mm(torch.ones(3, 2).double())",
    "torch.linalg.inv(torch.zeros(2, 2))", "torch.linalg.inv(torch.ones(2, 3))",
    "torch.det(torch.ones(2, 3))", "torch.inverse(torch.eye(2, dtype=torch.int64))",
    "torch.linalg.norm(torch.tensor([3.0, 4.0]))", "torch.tensor([3, 4]).norm()",
    "torch.cumsum(torch.tensor([1, 2], dtype=torch.uint8), 0).dtype",
    "torch.tensor([1.0, 2.0]).pow(torch.tensor([1.0, 2.0, 3.0]))",
    "torch.lerp(torch.zeros(2), torch.ones(2), 0.5)", "torch.lerp(torch.zeros(2), torch.ones(2).int(), 0.5)",
    "torch.histc(torch.tensor([1.0, 2.0, 1.0]), bins=3)", "torch.histc(torch.tensor([1, 2]), bins=3)",
    "torch.diff(torch.tensor([1, 4, 9]))", "torch.trapz(torch.tensor([1.0, 2.0]))",
]:
    CASES.append((f"numeric: {code}", code))

# functions that take only Tensors in PyTorch: a Python number is its TypeError
for fn in ["atan2", "hypot", "maximum", "minimum", "fmax", "fmin", "logaddexp",
           "logaddexp2", "heaviside", "dist", "dot", "matmul", "isclose", "allclose",
           "equal", "kron", "outer", "cross", "cdist", "take", "masked_select", "gcd",
           "copysign", "xlogy", "float_power", "fmod", "remainder"]:
    CASES.append((f"tensor only: torch.{fn}(a, 2)", f"a = torch.ones(3)\nout = torch.{fn}(a, 2)"))
CASES.append(("tensor only: torch.atan2(2, a)", "a = torch.ones(3)\nout = torch.atan2(2, a)"))
# inverse and determinant take float32/float64 matrices only
for fn in ["inverse", "det", "slogdet", "logdet"]:
    for dt in ["int64", "bool", "float16", "float64"]:
        CASES.append((f"linalg dtype: torch.{fn} {dt}",
                      f"out = torch.{fn}(torch.eye(2, dtype=torch.{dt}))"))
for n in [2, -1]:
    CASES.append((f"linalg dtype: matrix_power int {n}",
                  f"out = torch.matrix_power(torch.eye(2, dtype=torch.int64), {n})"))

# bit shifts: the promoted dtype, shifts past the width, reversed and function forms
SHIFTS = [("neg shift", "torch.tensor([1, 8, -8])", "torch.tensor([-1, 64, 70])"),
          ("int32/int64", "torch.tensor([1, 2], dtype=torch.int32)", "torch.tensor([1, 2])"),
          ("uint8 wide", "torch.tensor([1, 200], dtype=torch.uint8)",
           "torch.tensor([9, 1], dtype=torch.uint8)"),
          ("int/bool", "torch.tensor([1, 2])", "torch.tensor([True, False])"),
          ("int/2**40", "torch.tensor([1, 2])", "2**40"),
          ("int8 by 1", "torch.tensor([-128, 64], dtype=torch.int8)", "1"),
          ("int8 by -1", "torch.tensor([-128, 64], dtype=torch.int8)", "-1"),
          ("by True", "torch.tensor([3])", "True"), ("list", "torch.tensor([3])", "[1]")]
for form in ["a << b", "a >> b", "b << a", "b >> a", "torch.bitwise_left_shift(a, b)",
             "torch.bitwise_right_shift(a, b)", "a.bitwise_left_shift(b)"]:
    for name, a, b in SHIFTS:
        CASES.append((f"shift: {name} {form}", f"a = {a}\nb = {b}\nout = {form}"))
