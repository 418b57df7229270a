"""Loads a model file the page exported (numpy and the safetensors package only) and reproduces the
page's reconstructions of the same inputs from its tensors and its layer list.

Usage: python check_export.py model.safetensors reconstructions.json
reconstructions.json: {"inputs": [[...], ...], "outputs": [[...], ...]} as the page computed them.
Exits 1 when any output differs from the page's by more than 1e-4."""
import json
import sys

import numpy as np
from safetensors import safe_open

ACTIVATIONS = {
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0.0),
    "leakyRelu": lambda z: np.where(z > 0.0, z, 0.01 * z),
    "linear": lambda z: z,
}


def forward(layers, tensors, x):
    h = x
    for layer in layers:
        if layer["op"] == "dense":
            name = layer["weight"]
            if name.startswith("transpose of "):
                weight = tensors[name[len("transpose of "):]].T
            else:
                weight = tensors[name]
            h = ACTIVATIONS[layer["activation"]](h @ weight + tensors[layer["bias"]])
        elif layer["op"] == "reparameterize":
            h = h[:, : layer["code"]]  # the mean: the page reconstructs without sampling
        elif layer["op"] == "kSparse":
            keep = np.argsort(-h, axis=1)[:, : layer["k"]]
            mask = np.zeros_like(h)
            np.put_along_axis(mask, keep, 1.0, axis=1)
            h = h * mask
    return h


def main(model_path, reconstructions_path):
    with safe_open(model_path, framework="np") as f:
        metadata = f.metadata()
        tensors = {name: f.get_tensor(name).astype(np.float64) for name in f.keys()}
    layers = json.loads(metadata["layers"])
    page = json.load(open(reconstructions_path))
    ours = forward(layers, tensors, np.array(page["inputs"], dtype=np.float64))
    difference = np.abs(ours - np.array(page["outputs"], dtype=np.float64)).max()
    names = ", ".join(f"{k} {list(v.shape)}" for k, v in sorted(tensors.items()) if k.startswith("layers."))
    print(f"{metadata['format']}, phase {metadata['phase']}, step {metadata['step']}: {names}")
    print(f"{len(ours)} reconstructions, largest difference from the page's: {difference:.2e}")
    return 0 if difference < 1e-4 else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
