"""``python -m benchmarks <name> [options]``: run one benchmark by name.

Names: ``corpus`` (the generator), and every ``benchmarks/bench_<name>.py`` (or other module)
whose ``main`` can be called: ``import``, ``parse``, ``poll``, ``diagnose``, ``report`` as they
exist. A ``main()`` that takes no arguments reads ``sys.argv``, which is set up for it.
"""

from __future__ import annotations

import importlib
import inspect
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def available() -> dict[str, str]:
    """Benchmark name → module name, for every module here that exists."""
    names = {"corpus": "benchmarks.corpus"}
    for path in sorted(HERE.glob("bench_*.py")):
        names[path.stem.removeprefix("bench_")] = f"benchmarks.{path.stem}"
    for path in sorted(HERE.glob("*.py")):
        if not path.stem.startswith(("_", "bench_")) and path.stem != "corpus":
            names.setdefault(path.stem.replace("_", "-"), f"benchmarks.{path.stem}")
    return names


def run(name: str, module_name: str, argv: list[str]) -> int:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    module = importlib.import_module(module_name)
    main = getattr(module, "main", None)
    if not callable(main):
        print(f"benchmarks: {module_name} has no main()", file=sys.stderr)
        return 2
    sys.argv = [f"python -m benchmarks {name}", *argv]
    result = main(argv) if inspect.signature(main).parameters else main()
    return int(result or 0)


def usage(names: dict[str, str]) -> str:
    return (
        "usage: python -m benchmarks NAME [options]   (NAME --help for its options)\n"
        f"names: {', '.join(names)}"
    )


def main() -> int:
    names = available()
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        print(usage(names))
        return 0 if len(sys.argv) >= 2 else 2
    name, argv = sys.argv[1], sys.argv[2:]
    if name not in names:
        print(f"benchmarks: unknown benchmark {name!r}\n{usage(names)}", file=sys.stderr)
        return 2
    return run(name, names[name], argv)


if __name__ == "__main__":
    sys.exit(main())
