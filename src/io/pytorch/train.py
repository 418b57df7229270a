"""Continue training a model exported from the autoencoder playground, with the same objective:
the reconstruction loss, the code's penalties (L1, KL sparsity, contractive, the VAE's β-weighted KL),
the input corruption, the optimizer and its settings, and early stopping on a validation split.

    python train.py --data digits.csv --label-column 65 --epochs 20 --out run
    torchrun --nproc_per_node=4 train.py --data train-images-idx3-ubyte.gz --epochs 20 --out run

Under torchrun it trains with DistributedDataParallel: NCCL on GPUs, gloo on CPUs. Only rank 0 writes
the checkpoint, OUT/model.safetensors, in the layout it read (the page imports it).
Every setting defaults to the exported one; `python train.py --help` lists them.
"""
import argparse
import copy
import gzip
import json
import os
import struct
import time
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F
from safetensors.torch import save_file
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DistributedSampler

from model import ACTIVATIONS, SLOPES, build, read_metadata

LABEL_NAMES = {"label", "labels", "class", "classes", "target", "targets", "y", "category", "species"}


# ---- data: what the page reads, normalised as the page normalises it ----

def read_bytes(path):
    data = Path(path).read_bytes()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def read_idx(data):
    """An IDX file of unsigned bytes: images [n, h, w] (or [n, h, w, 3]) or labels [n]."""
    zero, kind, dims = struct.unpack(">HBB", data[:4])
    if zero != 0 or kind != 8:
        raise ValueError("not an IDX file of unsigned bytes")
    shape = struct.unpack(f">{dims}I", data[4 : 4 + 4 * dims])
    return np.frombuffer(data, np.uint8, offset=4 + 4 * dims).reshape(shape)


def number(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


def read_table(text, label_column):
    """A CSV/TSV table by the page's rules: (values [n, columns], labels as text or None).
    The separator is the commonest of , tab ; in the first line; the first line is a header when every
    field is a name, or a name stands above a number; the label column is named or numbered, or found:
    one named like a label, else the only column all of whose entries are text."""
    lines = [line for line in text.splitlines() if line.strip()]
    sep = max([",", "\t", ";"], key=lines[0].count)
    rows = [[f.strip().strip('"').strip() for f in line.split(sep)] for line in lines]
    first, second = rows[0], (rows[1] if len(rows) > 1 else [])
    header = None
    if all(not number(f) for f in first) or any(not number(a) and number(b) for a, b in zip(first, second)):
        header, rows = first, rows[1:]
    if label_column in ("", "auto"):
        named = [i for i, h in enumerate(header or []) if h.lower() in LABEL_NAMES]
        text_columns = [i for i in range(len(rows[0])) if all(not number(r[i]) for r in rows)]
        label = named[0] if named else (text_columns[0] if len(text_columns) == 1 else None)
    elif label_column == "none":
        label = None
    elif label_column.isdigit():
        label = int(label_column) - 1
    elif header and label_column in header:
        label = header.index(label_column)
    else:
        raise SystemExit(f"no column named {label_column!r} for labels (the header is {header})")
    labels = [r[label] for r in rows] if label is not None else None
    values = np.array([[float(f) for i, f in enumerate(r) if i != label] for r in rows], np.float32)
    return values, labels


def read_images(folder, meta):
    """A folder of images, one sub-folder per class (or none), as the page's default makes them: the
    centre square, scaled to the exported size, transparent pixels black."""
    from PIL import Image

    height, width, channels = int(meta["height"]), int(meta["width"]), int(meta["channels"])
    root = Path(folder)
    classes = sorted(d.name for d in root.iterdir() if d.is_dir()) or [""]
    values, labels = [], []
    for c, name in enumerate(classes):
        for f in sorted((root / name).iterdir()):
            if f.is_file() and not f.name.startswith("."):
                image = Image.open(f).convert("RGBA")
                black = Image.new("RGBA", image.size, (0, 0, 0, 255))
                image = Image.alpha_composite(black, image).convert("RGB" if channels == 3 else "L")
                side = min(image.size)
                left, top = (image.width - side) // 2, (image.height - side) // 2
                image = image.crop((left, top, left + side, top + side)).resize((width, height), Image.BILINEAR)
                values.append(np.asarray(image, np.float32).reshape(-1))
                labels.append(c)
    return np.stack(values), (labels if len(classes) > 1 else None)


def read_data(paths, label_column, meta):
    """Values [n, inputs] (float32, not yet normalised) and integer labels [n] or None."""
    if len(paths) == 1 and Path(paths[0]).is_dir():
        values, labels = read_images(paths[0], meta)
    elif paths[0].endswith(".npy"):
        values, labels = np.load(paths[0], allow_pickle=False).astype(np.float32), None
    else:
        first = read_bytes(paths[0])
        if first[:3] == b"\x00\x00\x08":
            values = read_idx(first).astype(np.float32)
            labels = read_idx(read_bytes(paths[1])).tolist() if len(paths) > 1 else None
        else:
            values, labels = read_table(first.decode("utf-8"), label_column)
    values = values.reshape(len(values), -1)
    return values, (None if labels is None else class_numbers(labels))


def class_numbers(labels):
    """Classes as the page numbers them: small whole numbers as they are, anything else in sorted order."""
    text = [str(v) for v in labels]
    if not all(t.isdigit() and int(t) < 256 for t in text):
        names = sorted(set(text))
        text = [str(names.index(t)) for t in text]
    return np.array([int(t) for t in text], np.int64)


def normalise(values, how):
    if how == "minMax":
        lo, hi = values.min(), values.max()
        return (values - lo) / (hi - lo if hi > lo else 1.0)
    if how == "standardise":
        sd = values.std(axis=0)
        return (values - values.mean(axis=0)) / np.where(sd > 0, sd, 1.0)
    return values


# ---- the objective, as the playground's training step computes it ----

class Objective(nn.Module):
    """One batch's loss: reconstruction (or a classifier's cross-entropy) plus the code's penalties.
    Wrapping this module (not the model) in DistributedDataParallel keeps every term inside its forward."""

    def __init__(self, model, s, task):
        super().__init__()
        self.model, self.s, self.task = model, s, task

    def forward(self, x, clean, labels=None, eps=None):
        m, s = self.model, self.s
        b = x.shape[0]
        terms = {}
        if m.variational:
            # z drawn as the page draws it: a fresh ε in training, a fixed one to measure (unless ε is given).
            mu, logvar = m.posterior(x)
            if eps is None:
                fixed = torch.Generator(device=mu.device).manual_seed(0)
                eps = torch.randn(mu.shape, generator=None if self.training else fixed, device=mu.device, dtype=mu.dtype)
            z = mu + torch.exp(0.5 * logvar) * eps
            terms["vaeKl"] = -0.5 * s["beta"] / b * torch.sum(1 + logvar - mu**2 - logvar.exp())
        else:
            z = m.encode(x)
        if self.task == "classifier":
            return F.cross_entropy(m.classifier(z), labels), {}
        logits = m.decode_logits(z)
        if s["loss"] == "crossEntropy":
            terms["reconstruction"] = F.binary_cross_entropy_with_logits(logits, clean, reduction="sum") / b
        else:
            out = ACTIVATIONS[m.output_activation](logits)
            terms["reconstruction"] = torch.sum((out - clean) ** 2) / b
        if not m.variational:
            if s["l1"] > 0:
                terms["l1"] = s["l1"] / b * z.abs().sum()
            if s["klWeight"] > 0:
                rho, mean = s["klTarget"], z.mean(0).clamp(1e-6, 1 - 1e-6)
                kl = rho * torch.log(rho / mean) + (1 - rho) * torch.log((1 - rho) / (1 - mean))
                terms["klSparsity"] = s["klWeight"] * kl.sum()
            if s["contractive"] > 0 and len(m.encoder) == 1:
                # ‖∂h/∂x‖²_F = Σ_j f'(z_j)² Σ_i W_ji², with f' written in h = f(z).
                slope = SLOPES[m.activations[0]](z)
                norms = (m.encoder[0].weight ** 2).sum(1)
                terms["contractive"] = s["contractive"] / b * (slope**2 * norms).sum()
        return sum(terms.values()), terms


def corrupt(x, s, generator):
    """Masking, then salt-and-pepper, then Gaussian noise, as in the page (the loss is against x)."""
    y = x.clone()
    if s["masking"] > 0:
        y[torch.rand(y.shape, generator=generator, device=y.device) < s["masking"]] = 0
    if s["saltPepper"] > 0:
        hit = torch.rand(y.shape, generator=generator, device=y.device) < s["saltPepper"]
        salt = (torch.rand(y.shape, generator=generator, device=y.device) >= 0.5).to(y.dtype)
        y = torch.where(hit, salt, y)
    if s["gaussian"] > 0:
        y = y + s["gaussian"] * torch.randn(y.shape, generator=generator, device=y.device)
    return y


def optimizer_for(params, s):
    if s["optimizer"] == "sgd":
        return torch.optim.SGD(params, lr=s["learningRate"], momentum=s["momentum"], weight_decay=s["weightDecay"])
    return torch.optim.Adam(params, lr=s["learningRate"], betas=(0.9, 0.999), eps=1e-8, weight_decay=s["weightDecay"])


def trainable(model, task, s):
    """The parameters the task trains; the rest are frozen (DistributedDataParallel needs every
    trained parameter to take part)."""
    for name, p in model.named_parameters():
        head = name.startswith("classifier.")
        if task == "classifier":
            p.requires_grad_(head or (not s.get("classifierFrozen") and not name.startswith(("decoder.", "deconv."))))
        else:
            p.requires_grad_(not head)
    return [p for p in model.parameters() if p.requires_grad]


# ---- the run ----

SETTINGS = {  # command-line flag → the playground's setting, with its type
    "learning-rate": ("learningRate", float), "optimizer": ("optimizer", str), "momentum": ("momentum", float),
    "weight-decay": ("weightDecay", float), "batch-size": ("batchSize", int), "seed": ("seed", int),
    "masking": ("masking", float), "salt-pepper": ("saltPepper", float), "gaussian": ("gaussian", float),
    "l1": ("l1", float), "kl-weight": ("klWeight", float), "kl-target": ("klTarget", float),
    "contractive": ("contractive", float), "beta": ("beta", float), "loss": ("loss", str),
    "validation": ("validation", float), "patience": ("patience", int),
}


def arguments():
    here = Path(__file__).resolve().parent
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", action="append", required=True, help="a CSV/TSV, .npy, IDX file (images first, then labels) or a folder of images; repeatable")
    p.add_argument("--label-column", default="auto", help="a table's label column: its name, its 1-based number, auto or none")
    p.add_argument("--epochs", type=int, help="default: the exported epochs, or 10 where the page trained until stopped")
    p.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto", help="auto: the GPUs where there are any (NCCL), else the CPU (gloo)")
    p.add_argument("--out", default="out", help="the folder the checkpoint model.safetensors goes to")
    p.add_argument("--model", default=str(here / "model.safetensors"), help="the model to start from")
    p.add_argument("--normalise", choices=["minMax", "standardise", "none"], default="minMax")
    p.add_argument("--test-fraction", type=float, default=0.2)
    p.add_argument("--task", choices=["autoencoder", "classifier"], help="default: the exported phase's")
    p.add_argument("--labels-per-class", type=int, help="a classifier's labelled rows per class (0: all; default: the exported classifierLabels)")
    for flag, (key, kind) in SETTINGS.items():
        p.add_argument(f"--{flag}", type=kind, help=f"default: the exported {key}")
    return p.parse_args()


def check(s, task, meta):
    """Refuses settings the page would refuse, before any training."""
    if s["optimizer"] not in ("adam", "sgd"):
        raise SystemExit(f"--optimizer {s['optimizer']!r}: adam or sgd")
    if s["loss"] not in ("squaredError", "crossEntropy"):
        raise SystemExit(f"--loss {s['loss']!r}: squaredError or crossEntropy")
    if s["loss"] == "crossEntropy" and s.get("outputActivation", "sigmoid") != "sigmoid":
        raise SystemExit("--loss crossEntropy needs the model's sigmoid output")
    if s.get("patience", 0) > 0 and not s.get("validation", 0) > 0:
        raise SystemExit("--patience (early stopping) needs validation rows: give --validation, e.g. 0.1")
    if s["batchSize"] < 1 or s["learningRate"] <= 0:
        raise SystemExit("--batch-size and --learning-rate must be positive")
    if task == "classifier" and int(meta.get("classes", "0")) == 0:
        raise SystemExit("--task classifier: this model has no classifier head (export it from the page's classifier phase)")


def save(model, meta, s, step, out):
    """Writes out/model.safetensors in the exported layout, with the settings it trained with."""
    (path := Path(out) / "model.safetensors").parent.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    save_file(state, str(tmp := path.with_suffix(".part")), metadata={**meta, "config": json.dumps(s), "step": str(step), "trainedBy": "train.py"})
    os.replace(tmp, path)  # whole or not at all: a crash while writing keeps the last checkpoint
    return path


def main():
    args = arguments()
    distributed = "RANK" in os.environ  # started by torchrun (one process or many)
    cuda = args.device == "cuda" or (args.device == "auto" and torch.cuda.is_available())
    rank, local = int(os.environ.get("RANK", "0")), int(os.environ.get("LOCAL_RANK", "0"))
    if cuda and local >= torch.cuda.device_count():
        raise SystemExit(f"process {local} has no GPU of its own ({torch.cuda.device_count()} here): fewer processes a node, or --device cpu")
    device = torch.device(f"cuda:{local}" if cuda else "cpu")
    if distributed:
        dist.init_process_group("nccl" if cuda else "gloo")
    say = print if rank == 0 else (lambda *a, **k: None)

    meta = read_metadata(args.model)
    s = json.loads(meta["config"])
    for flag, (key, _) in SETTINGS.items():
        value = getattr(args, flag.replace("-", "_"))
        if value is not None:
            s[key] = value
    task = args.task or ("classifier" if json.loads(meta["phase"]).get("kind") == "classifier" else "autoencoder")
    check(s, task, meta)
    if s.get("schedule", "constant") != "constant":
        say(f"note: this script trains at a constant learning rate; the page's {s['schedule']} schedule is not applied here")
    torch.manual_seed(s["seed"])

    if args.labels_per_class is None:
        args.labels_per_class = s.get("classifierLabels", 0)
    values, labels = read_data(args.data, args.label_column, meta)
    if values.shape[1] != int(meta["inputs"]):
        raise SystemExit(f"the data have {values.shape[1]} values a sample, but the model takes {meta['inputs']}")
    if task == "classifier" and labels is None:
        raise SystemExit("the classifier task needs labels: give --label-column, or an IDX labels file")
    x = torch.from_numpy(normalise(values, args.normalise)).float()
    y = torch.from_numpy(labels) if labels is not None else torch.zeros(len(x), dtype=torch.int64)
    order = torch.randperm(len(x), generator=torch.Generator().manual_seed(s["seed"]))
    n_test = max(1, round(len(x) * args.test_fraction))
    n_val = round((len(x) - n_test) * s.get("validation", 0))
    train, val, test = order[: len(x) - n_test - n_val], order[len(x) - n_test - n_val : len(x) - n_test], order[len(x) - n_test :]
    if task == "classifier" and args.labels_per_class > 0:
        # The labelled rows, as the page picks them: the first of each class in a seeded shuffle.
        shuffled = train[torch.randperm(len(train), generator=torch.Generator().manual_seed(s["seed"]))]
        train = torch.cat([shuffled[y[shuffled] == c][: args.labels_per_class] for c in y.unique()])
    say(f"{len(train)} training, {len(val)} validation and {len(test)} test samples of {x.shape[1]} values; task {task}")

    from safetensors.torch import load_file

    model = build(meta)
    model.load_state_dict(load_file(args.model), strict=True)
    model.to(device)
    params = trainable(model, task, s)
    objective = Objective(model, s, task).to(device)
    step_fn = DistributedDataParallel(objective, device_ids=[local] if cuda else None) if distributed else objective
    optimizer = optimizer_for(params, s)
    generator = torch.Generator(device=device).manual_seed(s["seed"] * 1000 + rank)

    def loss_on(rows):
        objective.eval()
        with torch.no_grad():
            total = 0.0
            for chunk in rows.split(1024):
                xb, yb = x[chunk].to(device), y[chunk].to(device)
                total += objective(xb, xb, yb)[0].item() * len(chunk)
        objective.train()
        return total / max(1, len(rows))

    def accuracy_on(rows):
        with torch.no_grad():
            hits = sum((model.classify(x[c].to(device)).argmax(1).cpu() == y[c]).sum().item() for c in rows.split(1024))
        return hits / max(1, len(rows))

    best, waited, step = (float("inf"), None), 0, int(meta.get("step", "0"))
    world = dist.get_world_size() if distributed else 1
    # Each process takes its own share of each epoch's shuffled rows, all shares the same length.
    sampler = DistributedSampler(range(len(train)), num_replicas=world, rank=rank, shuffle=True, seed=s["seed"])
    say(f"epoch 0: test loss {loss_on(test):.4f}", flush=True)
    epochs = args.epochs or int(s.get("classifierEpochs" if task == "classifier" else "epochs", 0)) or 10  # 0: "until stopped"
    for epoch in range(1, epochs + 1):
        sampler.set_epoch(epoch)
        started = time.perf_counter()
        mine = train[torch.tensor(list(sampler))]
        # Whole batches only, as in the page (a remainder short of a batch waits for the next epoch's shuffle).
        batches = mine.split(s["batchSize"])
        for batch in batches[:-1] if len(batches) > 1 and len(batches[-1]) < s["batchSize"] else batches:
            clean = x[batch].to(device)
            noisy = corrupt(clean, s, generator) if task == "autoencoder" else clean
            loss, _ = step_fn(noisy, clean, y[batch].to(device))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            step += 1
        seconds = time.perf_counter() - started
        line = f"epoch {epoch}: test loss {loss_on(test):.4f}"
        if task == "classifier":
            line += f", test accuracy {accuracy_on(test):.1%}"
        line += f" ({len(mine) * world / seconds:,.0f} samples/s)"
        if len(val) and s.get("patience", 0) > 0:
            v = loss_on(val)
            line += f", validation loss {v:.4f}"
            if v < best[0]:
                best, waited = (v, copy.deepcopy(model.state_dict())), 0
            else:
                waited += 1
        say(line, flush=True)
        # Rank 0 decides when to stop, for every process (their losses could differ in the last bit).
        stop = torch.tensor([int(waited >= s.get("patience", 0) > 0)], device=device)
        if distributed:
            dist.broadcast(stop, 0)
        if stop.item():
            say(f"stopped early: no better validation loss for {waited} epochs; keeping epoch {epoch - waited}'s weights")
            if best[1] is not None:
                model.load_state_dict(best[1])
            break
        if rank == 0:  # a checkpoint after every epoch, replaced by the next
            save(model, meta, s, step, args.out)
    if rank == 0:
        say(f"wrote {save(model, meta, s, step, args.out)}")
    if distributed:
        dist.barrier()  # every process waits for rank 0's checkpoint before the group goes
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
