"""Print a notebook's code cells with their text outputs (for reviewing a chapter)."""
import sys

import nbformat

for path in sys.argv[1:]:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        print(">>>", cell.source.replace("\n", "\n... "))
        for out in cell.get("outputs", []):
            if "text" in out:
                print(out["text"], end="")
            elif "data" in out and "text/plain" in out["data"]:
                print(out["data"]["text/plain"])
