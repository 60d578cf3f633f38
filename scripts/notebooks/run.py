#!/usr/bin/env python3
"""Executes the workshop notebooks with the real evcxr kernel and checks what they show.

    python3 scripts/notebooks/run.py check  [NAME ...]  # CI: never touches notebooks/
    python3 scripts/notebooks/run.py update [NAME ...]  # after editing: store fresh outputs
    python3 scripts/notebooks/run.py selftest           # the checker catches what it must (no kernel)
    python3 scripts/notebooks/run.py kernel-check       # a panicking cell keeps earlier variables
    python3 scripts/notebooks/run.py check --course     # the instructor's notebooks (course/notebooks/)

`check` fails when a committed notebook is stale (the hash of its code cells differs from the one
stored in its metadata when it was last executed), when any cell errors or writes to stderr
(nbconvert alone would exit 0 on a panic), or when a content check fails. Executed copies go to
target/notebooks/. It prints one line per notebook, then `notebooks: N passed, M failed`.

Exercise check cells (nbgrader `grade_id` ending in `_check`) must show their checklist table:
in the participants' notebooks every exercise "not solved yet" (score 0), in the instructor's
notebooks (`--course`) every expectation passing.

Needs the `rust` kernel from scripts/setup-notebooks.sh, and nbclient/nbformat.
"""
import base64
import hashlib
import io
import json
import re
import struct
import sys
import time
import wave
import xml.etree.ElementTree as ET
from pathlib import Path

import nbformat
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
COURSE = REPO / "course" / "notebooks"
OUT = REPO / "target" / "notebooks"
CHECKLIST = re.compile(r'data-exercise="([^"]+)" data-score="([^"]+)" data-max-score="([^"]+)"')
META_KEY = "multimodal_search"
BUDGET_S = 180  # per notebook, after the dependency build (reported, not asserted: shared machines)

# What each notebook must show. `svg_text`: strings that must appear in some SVG chart (axis
# titles, legend entries); `png_sizes`: (width, height) of PNGs that must appear, whether shown
# directly or inside HTML; `audio`: the least number of audio players.
EXPECT = {
    "01_representation_learning_and_data": {
        "mimes": {"image/png", "text/html"},
        "svg_text": ["time (s)", "amplitude", "s at 8000 Hz", "spoken 5", "spoken 8"],
        "png_sizes": [(6 + 8 * 90, 6 + 2 * 110), (256, 256)],
        "audio": 3,
    },
    "02_architectures": {"mimes": {"text/html"}, "svg_text": [], "png_sizes": [], "audio": 0},
    "03_losses": {"mimes": {"text/html", "image/svg+xml"}, "svg_text": ["principal component 1", "digit 0"],
                  "png_sizes": [], "audio": 0},
    "04_unimodal_training": {
        "mimes": {"image/svg+xml", "text/html"},
        "svg_text": ["optimizer step", "loss", "train loss (per step)", "validation loss",
                     "principal component 1", "principal component 2", "digit 9",
                     "after epoch 1", "after epoch 2"],
        "png_sizes": [],
        "audio": 0,
    },
    "05_multimodal_training": {
        "mimes": {"image/svg+xml", "text/html"},
        "svg_text": ["optimizer step", "validation loss", "principal component 1",
                     "image (circle)", "audio (triangle)", "digit 5", "after epoch 1",
                     "after epoch 2"],
        "png_sizes": [],
        "audio": 0,
    },
    "06_search": {
        "mimes": {"text/html"},
        "svg_text": [],
        "png_sizes": [(6 + 1 * 90, 6 + 1 * 110), (6 + 5 * 90, 6 + 1 * 110)],
        "audio": 12,
    },
    "07_search_with_your_own_voice_and_drawing": {
        "mimes": {"text/html", "image/png"},
        "svg_text": ["time (s)", "amplitude"],
        "png_sizes": [(6 + 1 * 90, 6 + 1 * 110), (6 + 10 * 90, 6 + 1 * 110)],
        "audio": 6,
    },
}


def code_hash(nb):
    """SHA-256 of the code cells' sources, in order: what the stored outputs were made from."""
    sources = [c.source for c in nb.cells if c.cell_type == "code"]
    return hashlib.sha256(json.dumps(sources).encode()).hexdigest()


def png_size(data):
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    return struct.unpack(">II", data[16:24])


def check_wav(data):
    with wave.open(io.BytesIO(data)) as w:
        if w.getnchannels() != 1 or w.getsampwidth() != 2 or w.getframerate() != 8000 or w.getnframes() == 0:
            raise ValueError(f"unexpected WAV: {w.getnchannels()} ch, {8 * w.getsampwidth()} bit, "
                             f"{w.getframerate()} Hz, {w.getnframes()} frames")


def inspect_checks(nb, instructor):
    """Problems with the exercise check cells: each shows its table, unsolved or all passing."""
    problems = []
    for i, cell in enumerate(nb.cells):
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
        if cell.cell_type != "code" or not gid.endswith("_check"):
            continue
        html = "".join(
            (d if isinstance(d, str) else "".join(d))
            for out in cell.get("outputs", []) for m, d in out.get("data", {}).items() if m == "text/html")
        tables = CHECKLIST.findall(html)
        if not tables:
            problems.append(f"cell {i} ({gid}): no checklist table")
            continue
        for exercise, score, top in tables:
            if instructor and score != top:
                problems.append(f"cell {i}: exercise {exercise} scores {score}/{top} with the reference solution")
            if not instructor and float(score) != 0:
                problems.append(f"cell {i}: exercise {exercise} scores {score}/{top} with the stub")
            if not instructor and "not solved yet" not in html:
                problems.append(f"cell {i}: exercise {exercise} does not say 'not solved yet'")
    return problems


def inspect(nb, name, instructor=False):
    """Problems found in an executed notebook (empty: it passed)."""
    problems, mimes, svgs, pngs, audio = [], set(), [], [], 0
    problems += inspect_checks(nb, instructor)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if cell.get("execution_count") is None:
            problems.append(f"cell {i}: not executed")
        for out in cell.get("outputs", []):
            kind = out.get("output_type")
            if kind == "error":
                problems.append(f"cell {i}: error {out.get('ename')}: {out.get('evalue', '')[:300]}")
            elif kind == "stream" and out.get("name") == "stderr":
                problems.append(f"cell {i}: stderr: {out.get('text', '')[:300]!r}")
            for mime, payload in out.get("data", {}).items():
                mimes.add(mime)
                text = payload if isinstance(payload, str) else "".join(payload)
                try:
                    # SVG charts come alone (image/svg+xml) or inline in an HTML figure row.
                    inline = re.findall(r"<svg\b.*?</svg>", text, re.S) if mime == "text/html" else []
                    for svg in ([text] if mime == "image/svg+xml" else []) + inline:
                        root = ET.fromstring(svg)
                        if not root.tag.endswith("svg"):
                            raise ValueError("root element is not <svg>")
                        svgs.append(" ".join(t for t in root.itertext()))
                    if mime == "image/png":
                        pngs.append(png_size(base64.b64decode(text)))
                    elif mime == "text/html":
                        for b64 in re.findall(r'src="data:image/png;base64,([^"]+)"', text):
                            pngs.append(png_size(base64.b64decode(b64)))
                        for b64 in re.findall(r'<audio controls[^>]*src="data:audio/wav;base64,([^"]+)"', text):
                            check_wav(base64.b64decode(b64))
                            audio += 1
                except Exception as e:  # noqa: BLE001 - every malformed figure is a finding
                    problems.append(f"cell {i}: malformed {mime}: {e}")
    want = EXPECT.get(name)
    if want is None:
        problems.append("no content expectations for this notebook in scripts/notebooks/run.py")
        return problems
    for mime in sorted(want["mimes"] - mimes):
        problems.append(f"no {mime} output")
    all_svg = "\n".join(svgs)
    for text in want["svg_text"]:
        if text not in all_svg:
            problems.append(f"no SVG chart contains {text!r}")
    for size in want["png_sizes"]:
        if tuple(size) not in pngs:
            problems.append(f"no PNG of {size[0]}x{size[1]} (found {sorted(set(pngs))})")
    if audio < want["audio"]:
        problems.append(f"{audio} audio players decode to WAVs, expected at least {want['audio']}")
    return problems


def run(path, update, instructor=False):
    committed = nbformat.read(path, as_version=4)
    name = path.stem
    problems = []
    stored = committed.metadata.get(META_KEY, {}).get("code_sha256")
    if not update and stored != code_hash(committed):
        problems.append("stale: its code changed since its outputs were stored "
                        "(run `python3 scripts/notebooks/run.py update " + name + "`)")
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    client = NotebookClient(nb, kernel_name="rust", timeout=900, startup_timeout=180,
                            allow_errors=True, resources={"metadata": {"path": str(path.parent)}})
    t0 = time.monotonic()
    try:
        client.execute()
    except Exception as e:  # noqa: BLE001 - a dead kernel or timeout is a failure to report
        problems.append(f"execution stopped: {type(e).__name__}: {str(e)[:500]}")
    seconds = time.monotonic() - t0
    problems += inspect(nb, name, instructor)
    nb.metadata.setdefault(META_KEY, {})
    nb.metadata[META_KEY]["code_sha256"] = code_hash(nb)
    out = OUT / "course" if instructor else OUT
    out.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out / path.name)
    if update and not problems:
        nbformat.write(nb, path)
    return seconds, problems


def selftest():
    """Feeds the checker good and broken outputs; returns the number of checks that misbehaved."""
    import wave as wavmod
    buf = io.BytesIO()
    with wavmod.open(buf, "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(8000), w.writeframes(b"\x00\x01" * 400)
    good_wav = base64.b64encode(buf.getvalue()).decode()
    # A 1x1 PNG header is enough for the size check; sizes are read from IHDR.
    def png(w, h):
        return base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + struct.pack(">II", w, h) + b"\x08\x02\x00\x00\x00").decode()
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><text>time (s)</text><text>amplitude</text></svg>'
    EXPECT["selftest"] = {"mimes": {"text/html", "image/svg+xml"}, "svg_text": ["time (s)"],
                          "png_sizes": [(96, 112)], "audio": 1}

    def notebook(outputs, source="let x = 1;"):
        nb = nbformat.v4.new_notebook()
        cell = nbformat.v4.new_code_cell(source)
        cell.execution_count = 1
        cell.outputs = [nbformat.from_dict(o) for o in outputs]
        nb.cells = [cell]
        return nb

    html = (f'<img src="data:image/png;base64,{png(96, 112)}">'
            f'<audio controls src="data:audio/wav;base64,{good_wav}"></audio>')
    good = [{"output_type": "execute_result", "execution_count": 1, "metadata": {},
             "data": {"text/html": html, "image/svg+xml": svg}}]
    cases = {
        "a good notebook passes": (good, None),
        "an error output fails": (good + [{"output_type": "error", "ename": "Error", "evalue": "boom", "traceback": []}], "error"),
        "stderr fails": (good + [{"output_type": "stream", "name": "stderr", "text": "thread panicked"}], "stderr"),
        "a missing SVG text fails": ([{**good[0], "data": {"text/html": html, "image/svg+xml": svg.replace("time (s)", "t")}}], "time (s)"),
        "a wrong PNG size fails": ([{**good[0], "data": {"text/html": html.replace(png(96, 112), png(95, 112)), "image/svg+xml": svg}}], "96x112"),
        "a broken WAV fails": ([{**good[0], "data": {"text/html": html.replace(good_wav, base64.b64encode(b"RIFFjunk").decode()), "image/svg+xml": svg}}], "malformed"),
        "a missing mime type fails": ([{**good[0], "data": {"text/html": html}}], "no image/svg+xml"),
    }
    bad = 0
    for name, (outputs, expect) in cases.items():
        problems = inspect(notebook(outputs), "selftest")
        ok = (not problems) if expect is None else any(expect in p for p in problems)
        bad += not ok
        print(f"{'ok  ' if ok else 'FAIL'} selftest: {name}" + ("" if ok else f" (got {problems})"))
    # Exercise check cells: a table must be there, unsolved for participants, full for instructors.
    def check_nb(score, top, text):
        nb = notebook([{"output_type": "execute_result", "execution_count": 1, "metadata": {},
                        "data": {"text/html": f'<table class="mms-checklist" data-exercise="demo" data-score="{score}" data-max-score="{top}">{text}</table>'}}])
        nb.cells[0].metadata["nbgrader"] = {"grade_id": "demo_check"}
        return nb
    check_cases = {
        "a participant's unsolved check passes": (check_nb(0, 6, "not solved yet"), False, None),
        "a participant's check with points fails": (check_nb(2, 6, "not solved yet"), False, "with the stub"),
        "an instructor's partial check fails": (check_nb(5, 6, ""), True, "with the reference solution"),
        "an instructor's full check passes": (check_nb(6, 6, ""), True, None),
        "a check cell without its table fails": (notebook([]), True, "no checklist table"),
    }
    for name, (nb, instructor, expect) in check_cases.items():
        if name == "a check cell without its table fails":
            nb.cells[0].metadata["nbgrader"] = {"grade_id": "demo_check"}
        problems = inspect_checks(nb, instructor)
        ok = (not problems) if expect is None else any(expect in p for p in problems)
        bad += not ok
        print(f"{'ok  ' if ok else 'FAIL'} selftest: {name}" + ("" if ok else f" (got {problems})"))
    nb = notebook(good)
    nb.metadata[META_KEY] = {"code_sha256": code_hash(nb)}
    nb.cells[0].source = "let x = 2;"
    stale = nb.metadata[META_KEY]["code_sha256"] != code_hash(nb)
    bad += not stale
    print(f"{'ok  ' if stale else 'FAIL'} selftest: an edited code cell makes the stored hash stale")
    del EXPECT["selftest"]
    return bad


def kernel_check():
    """A cell that panics, with the real kernel, in notebooks/ (its evcxr.toml) and in a folder
    without one (the kernel's own copy): the panic prints one line, no error output, and the
    next cell still sees a variable made before it. Returns the number of failures."""
    import tempfile
    # No `:dep`: the panic handling is evcxr's and its config's, the crate plays no part (and
    # building it would cost each kernel half a minute).
    # evcxr forwards the subprocess's stderr on its own thread: on a loaded machine a panic's line
    # can arrive after its cell's reply and land under a later cell. The third cell gives it time
    # to arrive, and the checks read stderr from every cell: exactly one line, wherever it lands.
    cells = ["let data = vec![1u8, 2, 3];",
             "let empty: Vec<u8> = Vec::new();\nempty[3]",
             "std::thread::sleep(std::time::Duration::from_millis(1500));",
             "data.len()"]
    bad = 0
    with tempfile.TemporaryDirectory() as elsewhere:
        for folder in (NOTEBOOKS, Path(elsewhere)):
            nb = nbformat.v4.new_notebook()
            nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
            client = NotebookClient(nb, kernel_name="rust", timeout=600, startup_timeout=180,
                                    allow_errors=True, resources={"metadata": {"path": str(folder)}})
            t0 = time.monotonic()
            try:
                client.execute()
            except Exception as e:  # noqa: BLE001
                print(f"FAIL kernel: execution stopped in {folder}: {e}")
                bad += 1
                continue
            panic, after = nb.cells[1].outputs, nb.cells[3].outputs
            stderr = "".join(o.get("text", "") for c in nb.cells for o in c.outputs
                             if o.output_type == "stream" and o.name == "stderr")
            checks = {
                "the panic is one line": stderr.strip().splitlines() == ["panic: index out of bounds: the len is 0 but the index is 3"],
                "the panic is not a kernel error": not any(o.output_type == "error" for c in nb.cells for o in c.outputs),
                "the next cell sees `data`": [o.get("data", {}).get("text/plain") for o in after
                                              if o.output_type == "execute_result"] == ["3"],
            }
            where = "notebooks/" if folder == NOTEBOOKS else "a folder without evcxr.toml"
            for name, ok in checks.items():
                bad += not ok
                print(f"{'ok  ' if ok else 'FAIL'} kernel ({where}): {name}"
                      + ("" if ok else f" (panic cell: {panic}, next cell: {after})"))
            print(f"     kernel ({where}): {time.monotonic() - t0:.0f} s")
    return bad


def main(argv):
    if argv and argv[0] == "kernel-check":
        bad = kernel_check()
        print(f"kernel-check: {'passed' if bad == 0 else f'{bad} check(s) failed'}")
        return 0 if bad == 0 else 1
    if argv and argv[0] == "selftest":
        bad = selftest()
        print(f"selftest: {'passed' if bad == 0 else f'{bad} check(s) misbehaved'}")
        return 0 if bad == 0 else 1
    if not argv or argv[0] not in ("check", "update"):
        print(__doc__)
        return 2
    update = argv[0] == "update"
    instructor = "--course" in argv[1:]
    names = [a for a in argv[1:] if a != "--course"]
    paths = sorted((COURSE if instructor else NOTEBOOKS).glob("[0-9][0-9]_*.ipynb"))
    if names:
        paths = [p for p in paths if p.stem in names or p.name in names]
    if not paths:
        print("no notebooks found", file=sys.stderr)
        return 1
    passed, failed, total = 0, 0, 0.0
    for path in paths:
        seconds, problems = run(path, update, instructor)
        total += seconds
        over = f" (over the {BUDGET_S} s budget)" if seconds > BUDGET_S else ""
        if problems:
            failed += 1
            print(f"FAIL {path.relative_to(REPO)}: {seconds:.0f} s{over}")
            for p in problems:
                print(f"     - {p}")
        else:
            passed += 1
            print(f"ok   {path.relative_to(REPO)}: {seconds:.0f} s{over}")
        sys.stdout.flush()
    # The largest resident set of any process these kernels ran (evcxr's subprocess, mostly):
    # what a participant's laptop needs in memory for the notebooks, one at a time.
    import resource
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    print(f"peak memory of one kernel process: {peak_mib:.0f} MiB")
    print(f"notebooks: {passed} passed, {failed} failed ({total:.0f} s)")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
