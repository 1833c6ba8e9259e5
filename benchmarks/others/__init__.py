"""The notes' workloads written for other NumPy teaching frameworks (DeZero, MyGrad).

run.py --others times them next to teachtorch and PyTorch; see each module's docstring
for what differs from benchmarks/workloads.py and why.
"""
