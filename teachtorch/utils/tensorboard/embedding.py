"""Files for TensorBoard's Projector tab (add_embedding).

The projector reads plain files, not events::

    log_dir/projector_config.pbtxt           lists every embedding (protobuf text format)
    log_dir/00000/<tag>/tensors.tsv          one row of numbers per point
    log_dir/00000/<tag>/metadata.tsv         one label per point (optional)
    log_dir/00000/<tag>/sprite.png           the points' thumbnails in a square grid

Chapter 17 (TensorBoard and visdom) opens this file.
"""
import math
import os

import numpy as np

from teachtorch import _errors
from teachtorch.utils.tensorboard import summary


def _encode_tag(tag):
    """Make a tag safe as a folder name (%, / and \\ escaped as %xx)."""
    return tag.replace("%", "%25").replace("/", "%2f").replace("\\", "%5c")


def _write(path, text):
    with open(path, "wb") as f:
        f.write(text.encode("utf-8"))


def _sprite(label_img, path):
    """All thumbnails in a square grid (rows of ceil(sqrt(N))), saved as PNG."""
    imgs = summary.to_numpy(label_img).astype(np.float32)
    n = imgs.shape[0]
    canvas = summary.grid(imgs, ncols=math.ceil(n ** 0.5))  # (3, rows*H, cols*W)
    side = canvas.shape[2]
    square = np.zeros((side, side, 3), dtype=np.float32)
    square[:canvas.shape[1]] = canvas.transpose(1, 2, 0)[:side]
    with open(path, "wb") as f:
        f.write(summary.png_bytes(np.uint8(np.clip(square * 255, 0, 255))))


def write_embedding(log_dir, entries, mat, metadata, label_img, global_step, tag,
                    metadata_header):
    """Write one embedding's files and rewrite projector_config.pbtxt listing all.

    Mirrors: torch.utils.tensorboard.SummaryWriter.add_embedding
    """
    mat = summary.to_numpy(mat)
    if mat.ndim != 2:
        raise ValueError(_errors.hint("mat should be 2D, where mat.size(0) is the number of data "
                         f"points; got shape {mat.shape}", "flatten each point: "
                         "features.view(N, -1)."))
    step = 0 if global_step is None else int(global_step)
    subdir = f"{step:05d}/{_encode_tag(tag)}"
    folder = os.path.join(log_dir, subdir)
    os.makedirs(folder, exist_ok=True)
    lines = ["\t".join(str(v) for v in row) for row in mat.tolist()]
    _write(os.path.join(folder, "tensors.tsv"), "\n".join(lines) + "\n")
    # fields in EmbeddingInfo's field-number order, as protobuf's text format writes them
    entry = [f'  tensor_name: "{tag}:{step:05d}"']
    if metadata is not None:
        if len(metadata) != mat.shape[0]:
            raise ValueError(_errors.hint(f"#labels should equal with #data points: {len(metadata)} "
                             f"labels for {mat.shape[0]} points", "one label per row."))
        rows = [str(m) for m in metadata] if not metadata_header else \
            ["\t".join(str(e) for e in r) for r in [metadata_header, *metadata]]
        _write(os.path.join(folder, "metadata.tsv"), "\n".join(rows) + "\n")
        entry.append(f'  metadata_path: "{subdir}/metadata.tsv"')
    if label_img is not None:
        if label_img.shape[0] != mat.shape[0]:
            raise ValueError(_errors.hint("#images should equal with #data points", "one "
                             "thumbnail (C, H, W) per row of mat."))
        _sprite(label_img, os.path.join(folder, "sprite.png"))
        entry += ["  sprite {", f'    image_path: "{subdir}/sprite.png"',
                  f"    single_image_dim: {label_img.shape[3]}",
                  f"    single_image_dim: {label_img.shape[2]}", "  }"]
    entry.append(f'  tensor_path: "{subdir}/tensors.tsv"')
    entries.append("embeddings {\n" + "\n".join(entry) + "\n}\n")
    _write(os.path.join(log_dir, "projector_config.pbtxt"), "".join(entries))
