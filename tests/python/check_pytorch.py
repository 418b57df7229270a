"""Checks the PyTorch hand-off against the engine (run by tests/pytorch.rs, which writes the cases):
for each variant, the exported model.py with model.safetensors reproduces the engine's
reconstructions, codes and class scores to 1e-5; train.py's objective and gradients on one batch
match the engine's (computed in float64) to 1e-5 relative; and torchrun on two processes (gloo)
trains UCI digits on from the plain and the convolutional variants, its test loss falling.

    python check_pytorch.py CASES_DIR DIGITS_CSV_GZ
"""
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

cases, digits = Path(sys.argv[1]), sys.argv[2]
variants = sorted(d for d in cases.iterdir() if d.is_dir())
for d in variants:
    zipfile.ZipFile(d / "export.zip").extractall(d / "export")
sys.path.insert(0, str(variants[0] / "export"))
import model as exported  # noqa: E402  (the export's own model.py and train.py)
import train  # noqa: E402

failures = []


def close(name, ours, theirs, tolerance, relative):
    """|ours − theirs| ≤ tolerance (× the reference's scale, when relative)."""
    theirs = theirs.to(ours.dtype)
    scale = torch.maximum(theirs.abs(), 1e-3 * theirs.abs().max()) if relative else torch.ones_like(theirs)
    worst = ((ours - theirs).abs() / scale).max().item() if ours.numel() else 0.0
    print(f"  {name}: worst {'relative ' if relative else ''}difference {worst:.1e}")
    if not worst <= tolerance:
        failures.append(f"{name}: {worst:.1e} > {tolerance}")


for d in variants:
    print(d.name)
    ref = load_file(str(d / "reference.safetensors"))
    path = str(d / "export" / "model.safetensors")
    meta = exported.read_metadata(path)
    model = exported.load(path)
    x = ref["inputs"]
    with torch.no_grad():
        close(f"{d.name} codes", model.encode(x), ref["codes"], 1e-5, False)
        if "reconstructions" in ref:
            close(f"{d.name} reconstructions", model(x), ref["reconstructions"], 1e-5, False)
        if "scores" in ref:
            close(f"{d.name} class scores", model.classify(x), ref["scores"], 1e-5, False)

    # One batch, no corruption, in float64 on both sides: train.py's objective and its gradients.
    s = json.loads(meta["config"])
    task = "classifier" if json.loads(meta["phase"])["kind"] == "classifier" else "autoencoder"
    m64 = exported.load(path).double().train()
    train.trainable(m64, task, s)
    objective = train.Objective(m64, s, task)
    batch = ref["batch"].double()
    eps = ref["eps"].double() if "eps" in ref else None
    loss, _ = objective(batch, batch, ref["batch_labels"].long(), eps)
    loss.backward()
    close(f"{d.name} one-step loss", loss.detach().reshape(1), ref["loss"].double(), 1e-5, True)
    for name, p in m64.named_parameters():
        if p.requires_grad:
            close(f"{d.name} gradient of {name}", p.grad, ref[f"grad.{name}"].double(), 1e-5, True)

# train.py reads tables by the page's rules (src/data/table.rs, upload.rs): separator, header, label column
# and class numbers.
for text, column, values, labels in [
    ("1;2;0\n3;4;1\n", "auto", [[1, 2, 0], [3, 4, 1]], None),
    ("1;2;0\n3;4;1\n", "3", [[1, 2], [3, 4]], [0, 1]),
    ("1,2,cat\n3,4,dog\n", "auto", [[1, 2], [3, 4]], [0, 1]),  # a column of label names is no header
    ("a, b ,Label\n1,2,3\n5,6,300\n", "auto", [[1, 2], [5, 6]], [0, 1]),  # 300 is no class number: sorted
    ("x\ty\n1\t2\n", "none", [[1, 2]], None),
]:
    v, l = train.read_table(text, column)
    if l is not None:
        l = train.class_numbers(l).tolist()
    if v.tolist() != values or l != labels:
        failures.append(f"read_table({text!r}, {column!r}) gave {v.tolist()}, {l}; the page gives {values}, {labels}")
print("train.py's table reader: checked on 5 tables")

# Without --epochs: the exported number, or 10 where the page trained until stopped (epochs 0).
plain = cases / "plain"
alone = subprocess.run([sys.executable, str(plain / "export" / "train.py"), "--data", digits, "--label-column", "65",
                        "--device", "cpu", "--out", str(plain / "alone")], capture_output=True, text=True, timeout=600)
wanted = int(json.loads(exported.read_metadata(str(plain / "export" / "model.safetensors"))["config"]).get("epochs", 0)) or 10
ran = len(re.findall(r"epoch [1-9]\d*: test loss", alone.stdout))
print(f"train.py without --epochs: {ran} epochs (the export says {wanted})")
if alone.returncode != 0 or ran != wanted:
    failures.append(f"train.py without --epochs: exit {alone.returncode}, {ran} epochs, not {wanted}: {alone.stderr[-500:]}")

# torchrun: two processes on the CPU (gloo) train on from the plain variant and the convolutional one.
for variant in ("plain", "conv"):
    case = cases / variant
    run = subprocess.run(
        [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2",
         str(case / "export" / "train.py"), "--data", digits, "--label-column", "65", "--epochs", "3",
         "--device", "cpu", "--out", str(case / "run")],
        capture_output=True, text=True, timeout=600,
    )
    print(run.stdout, run.stderr[-3000:] if run.returncode else "")
    losses = [float(v) for v in re.findall(r"epoch \d+: test loss ([0-9.]+)", run.stdout)]
    print(f"torchrun on {variant}: exit {run.returncode}, test loss by epoch {losses}")
    if run.returncode != 0 or len(losses) != 4 or not losses[-1] < losses[0]:
        failures.append(f"torchrun on {variant}: exit {run.returncode}, test losses {losses} (they must fall over 3 epochs)")
    else:
        trained = exported.load(str(case / "run" / "model.safetensors"))
        inputs = load_file(str(case / "reference.safetensors"))["inputs"]
        with torch.no_grad():
            save_file({"inputs": inputs, "reconstructions": trained(inputs).contiguous()},
                      str(case / "run" / "reconstructions.safetensors"), metadata={"of": "the torchrun checkpoint"})

if failures:
    print("FAILED:\n  " + "\n  ".join(failures))
    sys.exit(1)
print("all PyTorch checks passed")
