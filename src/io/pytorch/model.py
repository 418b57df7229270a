"""The autoencoder exported from the autoencoder playground, as a plain PyTorch module.

    from model import load
    model = load("model.safetensors")       # the architecture and settings are in the file
    code = model.encode(x)                  # x: [batch, inputs], values scaled as in the page
    reconstruction = model(x)

Images arrive as the page stores them, each pixel's channels side by side ([batch, H·W·C]); a
convolutional model turns them into PyTorch's [batch, C, H, W] maps and back.
Parameter names and shapes are PyTorch's own (nn.Linear: weight [out, in]; nn.Conv2d and
nn.ConvTranspose2d: [out, in, k, k] and [in, out, k, k]), so
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


class TiedConvTranspose(nn.Module):
    """A transposed convolution that reuses its encoder convolution's weight: only the bias is its own."""

    def __init__(self, channels, stride, padding, output_padding):
        super().__init__()
        self.bias = nn.Parameter(torch.zeros(channels))
        self.stride, self.padding, self.output_padding = stride, padding, output_padding

    def forward(self, h, encoder_weight):
        return F.conv_transpose2d(h, encoder_weight, self.bias, self.stride, self.padding, self.output_padding)


class Autoencoder(nn.Module):
    """Optional convolutions `conv`, encoder layers `hidden` (the last is the code), a decoder
    mirroring them (transposed convolutions back to the image), and optionally the VAE's μ / log σ²
    heads and a softmax classifier on the code.

    config: the playground's settings (conv, convActivation, hidden, activation, outputActivation,
    tied, kSparse, variational); image: (height, width, channels), needed with conv.
    """

    def __init__(self, config, inputs, classes=0, image=None):
        super().__init__()
        self.config = config
        self.image = image
        hidden = config["hidden"]
        act = config.get("activation", "sigmoid")
        self.activations = [act] * len(hidden) if isinstance(act, str) else list(act)
        self.output_activation = config.get("outputActivation", "sigmoid")
        self.tied = config.get("tied", False)
        self.k_sparse = config.get("kSparse", 0)
        self.variational = config.get("variational", False)
        self.conv_activation = config.get("convActivation", "relu")
        self.maps = []  # each convolution's input map (channels, height, width), then the last one's output
        convs, deconvs = [], []
        if config.get("conv"):
            height, width, channels = image
            for layer in config["conv"]:
                k, s = layer["kernel"], layer["stride"]
                p = (k - 1) // 2
                self.maps.append((channels, height, width))
                convs.append(nn.Conv2d(channels, layer["filters"], k, s, padding=p))
                out_h, out_w = (height + 2 * p - k) // s + 1, (width + 2 * p - k) // s + 1
                # Back to exactly height × width: PyTorch's output padding makes up what the stride dropped.
                extra = (height - ((out_h - 1) * s - 2 * p + k), width - ((out_w - 1) * s - 2 * p + k))
                deconvs.insert(
                    0,
                    TiedConvTranspose(channels, s, p, extra)
                    if self.tied
                    else nn.ConvTranspose2d(layer["filters"], channels, k, s, padding=p, output_padding=extra),
                )
                height, width, channels = out_h, out_w, layer["filters"]
                if layer.get("pool"):  # 2×2 max pooling; the decoder upsamples ×2 before the mirror
                    height, width = height // 2, width // 2
            self.maps.append((channels, height, width))
            inputs = channels * height * width
        self.conv = nn.ModuleList(convs)
        self.deconv = nn.ModuleList(deconvs)
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

    def flat_maps(self, x):
        """The convolutions' output, flattened channels-first (x itself without convolutions)."""
        if not self.conv:
            return x
        height, width, channels = self.image
        h = x.reshape(-1, height, width, channels).permute(0, 3, 1, 2)
        for layer, settings in zip(self.conv, self.config["conv"]):
            h = ACTIVATIONS[self.conv_activation](layer(h))
            if settings.get("pool"):
                h = F.max_pool2d(h, 2)
        return h.flatten(1)

    def features(self, x):
        """What the encoder makes of x below the code (x itself for a VAE with one layer)."""
        h = self.flat_maps(x)
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
        if not self.conv:
            return h
        h = h.reshape(-1, *self.maps[-1])
        for j, layer in enumerate(self.deconv):
            l = len(self.conv) - 1 - j  # the convolution it mirrors
            h = ACTIVATIONS[self.conv_activation](h)
            if self.config["conv"][l].get("pool"):
                h = F.interpolate(h, scale_factor=2, mode="nearest")
            h = layer(h, self.conv[l].weight) if self.tied else layer(h)
        return h.permute(0, 2, 3, 1).flatten(1)

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
    image = tuple(int(meta[k]) for k in ("height", "width", "channels")) if "height" in meta else None
    return Autoencoder(json.loads(meta["config"]), int(meta["inputs"]), int(meta.get("classes", "0")), image)


def load(path):
    """The exported model with its weights, in evaluation mode."""
    from safetensors.torch import load_file

    model = build(read_metadata(path))
    model.load_state_dict(load_file(path), strict=True)
    return model.eval()
