"""The autoencoder exported from the autoencoder playground, as a plain PyTorch module.

    from model import load
    model = load("model.safetensors")       # the architecture and settings are in the file
    code = model.encode(x)                  # x: [batch, inputs], values scaled as in the page
    reconstruction = model(x)

Parameter names and shapes are PyTorch's own (nn.Linear: weight [out, in]), so
`model.load_state_dict(safetensors.torch.load_file(path), strict=True)` works on the file.
"""
import json

import torch
import torch.nn.functional as F
from safetensors import safe_open
from torch import nn

FORMAT = "ae-playground pytorch 1"

ACTIVATIONS = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": F.relu,
    "leakyRelu": lambda z: F.leaky_relu(z, 0.01),
    "linear": lambda z: z,
}

SLOPES = {  # f'(z) written in the unit's output h = f(z)
    "sigmoid": lambda h: h * (1 - h),
    "tanh": lambda h: 1 - h**2,
    "relu": lambda h: (h > 0).to(h.dtype),
    "leakyRelu": lambda h: torch.where(h > 0, 1.0, 0.01),
    "linear": torch.ones_like,
}


class TiedLinear(nn.Module):
    """A decoder layer that reuses its encoder layer's weight, transposed: only the bias is its own."""

    def __init__(self, outputs):
        super().__init__()
        self.bias = nn.Parameter(torch.zeros(outputs))

    def forward(self, h, encoder_weight):
        return F.linear(h, encoder_weight.t(), self.bias)


class Autoencoder(nn.Module):
    """Encoder layers `hidden` (the last is the code), a decoder mirroring them, and optionally the
    VAE's μ / log σ² heads and a softmax classifier on the code.

    config: the playground's settings (hidden, activation, outputActivation, tied, kSparse, variational).
    """

    def __init__(self, config, inputs, classes=0):
        super().__init__()
        self.config = config
        hidden = config["hidden"]
        act = config.get("activation", "sigmoid")
        self.activations = [act] * len(hidden) if isinstance(act, str) else list(act)
        self.output_activation = config.get("outputActivation", "sigmoid")
        self.tied = config.get("tied", False)
        self.k_sparse = config.get("kSparse", 0)
        self.variational = config.get("variational", False)
        widths = [inputs] + hidden
        n = len(hidden)
        # A VAE's last encoder layer is the pair of heads μ and log σ², linear.
        dense = n - 1 if self.variational else n
        self.encoder = nn.ModuleList(nn.Linear(widths[l], widths[l + 1]) for l in range(dense))
        if self.variational:
            self.mu = nn.Linear(widths[n - 1], hidden[-1])
            self.logvar = nn.Linear(widths[n - 1], hidden[-1])
        # decoder[j] mirrors encoder layer n − 1 − j: from widths[n − j] back to widths[n − 1 − j].
        self.decoder = nn.ModuleList(
            TiedLinear(widths[l]) if self.tied else nn.Linear(widths[l + 1], widths[l]) for l in reversed(range(n))
        )
        self.classifier = nn.Linear(hidden[-1], classes) if classes else None

    def _activation(self, layer):
        """The activation after encoder layer `layer`, or after the decoder layer mirroring layer + 1."""
        return ACTIVATIONS[self.activations[layer]]

    def features(self, x):
        """What the encoder makes of x below the code (x itself for a VAE with one layer)."""
        h = x
        for l, layer in enumerate(self.encoder[: len(self.encoder) - (0 if self.variational else 1)]):
            h = self._activation(l)(layer(h))
        return h

    def posterior(self, x):
        """A VAE's μ and log σ² of q(z | x)."""
        h = self.features(x)
        return self.mu(h), self.logvar(h)

    def encode(self, x):
        """The code: the last encoder layer's output, k-sparse if set; a VAE's mean μ."""
        if self.variational:
            return self.posterior(x)[0]
        last = len(self.encoder) - 1
        h = self._activation(last)(self.encoder[last](self.features(x)))
        return keep_largest(h, self.k_sparse) if self.k_sparse else h

    def decode_logits(self, z):
        """The output layer's pre-activation (cross-entropy is computed from it)."""
        n = len(self.decoder)
        h = z
        for j, layer in enumerate(self.decoder):
            l = n - 1 - j  # the encoder layer it mirrors
            h = layer(h, self.encoder[l].weight) if self.tied else layer(h)
            if j < n - 1:
                h = self._activation(l - 1)(h)
        return h

    def decode(self, z):
        return ACTIVATIONS[self.output_activation](self.decode_logits(z))

    def sample_code(self, x, eps=None):
        """A VAE's z = μ + σ·ε (ε ~ N(0, I) unless given), with μ and log σ²."""
        mu, logvar = self.posterior(x)
        eps = torch.randn_like(mu) if eps is None else eps
        return mu + torch.exp(0.5 * logvar) * eps, mu, logvar

    def forward(self, x):
        """The reconstruction of x (a VAE samples its code while training, and uses μ otherwise)."""
        z = self.sample_code(x)[0] if self.variational and self.training else self.encode(x)
        return self.decode(z)

    def classify(self, x):
        """Class scores (logits) from the code."""
        return self.classifier(self.encode(x))


def keep_largest(h, k):
    """The k-sparse code: each row's k largest values kept, the rest set to zero."""
    top = torch.topk(h, k, dim=1).indices
    return h * torch.zeros_like(h).scatter_(1, top, 1.0)


def read_metadata(path):
    """The settings and shape stored in a model.safetensors file."""
    with safe_open(path, framework="pt") as f:
        meta = f.metadata() or {}
    if meta.get("format") != FORMAT:
        raise ValueError(f"{path}: not a model exported for PyTorch by the playground (format {meta.get('format')!r})")
    return meta


def build(meta):
    """The module the metadata describes, with fresh weights."""
    return Autoencoder(json.loads(meta["config"]), int(meta["inputs"]), int(meta.get("classes", "0")))


def load(path):
    """The exported model with its weights, in evaluation mode."""
    from safetensors.torch import load_file

    model = build(read_metadata(path))
    model.load_state_dict(load_file(path), strict=True)
    return model.eval()
