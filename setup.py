"""Build step: put the course (chapters and data) inside the package.

In the repository the notebooks live in ``chapters/`` and the data in ``assets/data/``.
A wheel carries copies of them as ``teachtorch/_course/chapters/*.ipynb`` and
``teachtorch/_course/data/`` (with ``DATA.md``, the origins and licences), so that
``pip install teachtorch`` brings the whole course: ``teachtorch lab`` copies the
chapters out for the learner and ``teachtorch.data_files`` checks the data's SHA-256.
MANIFEST.in puts the same files in the sdist. Everything else is in pyproject.toml.

Packages: ``teachtorch`` and ``simulated_cupy``, the NumPy stand-in for CuPy behind
``TEACHTORCH_FAKE_CUDA=N``. It is test support and lives in ``tests/support/`` (never
inside teachtorch/), but chapter 18 runs DataParallel on two pretend GPUs, so the
wheel carries it as a top-level package of its own.
"""
import shutil
from pathlib import Path

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
# (folder in the repository, files to take, folder inside teachtorch/_course)
COURSE = [("chapters", "*.ipynb", "chapters"),
          ("assets/data", "*/*.gz", "data"),
          ("assets", "DATA.md", "data")]


class BuildWithCourse(build_py):
    """``build_py`` that also copies the course into the build folder."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the repository's own folders
        course = Path(self.build_lib) / "teachtorch" / "_course"
        for folder, pattern, target in COURSE:
            files = sorted((HERE / folder).glob(pattern))
            if not files:
                raise FileNotFoundError(f"no {pattern} in {HERE / folder}: the course "
                                        "is missing from this source tree")
            for file in files:
                out = course / target / file.relative_to(HERE / folder)
                out.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(file, out)


setup(cmdclass={"build_py": BuildWithCourse},
      packages=find_packages(include=["teachtorch", "teachtorch.*"]) + ["simulated_cupy"],
      package_dir={"simulated_cupy": "tests/support/simulated_cupy"})
