"""The PyTorch figures that `cargo bench` is compared with on a CUDA GPU: fp32 matrix products (TF32 off)
256³ to 4096³, and the training step the training bench times (sigmoid autoencoder, squared error
summed per sample and averaged over the batch, Adam 1e-3), for the default net 784-32-784 at batch 64
and 784-1000-500-250-30 (mirrored) at batch 256. Prints markdown. Run: python3 benches/pytorch_reference.py
"""
import statistics
import sys
import time

import torch

torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
torch.set_float32_matmul_precision("highest")
REPORT = 8  # steps between loss read-backs, as the playground's worker reads them
SECONDS = 2.0


def timed_events(fn, reps):
    """Median milliseconds of `fn` over `reps` timed runs (CUDA events), after warm-up."""
    for _ in range(3):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(reps):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    return statistics.median(times)


def matmul_table():
    print("| size | A·B | Aᵀ·B | A·Bᵀ |\n|---|---|---|---|")
    for n in [256, 512, 1024, 2048, 4096]:
        a = torch.rand(n, n, device="cuda") * 2 - 1
        b = torch.rand(n, n, device="cuda") * 2 - 1
        c = torch.empty(n, n, device="cuda")
        products = [lambda: torch.mm(a, b, out=c), lambda: torch.mm(a.t(), b, out=c), lambda: torch.mm(a, b.t(), out=c)]
        gflops = [2 * n**3 / (timed_events(p, 50) * 1e-3) / 1e9 for p in products]
        print(f"| {n}³ | " + " | ".join(f"{g:.0f}" for g in gflops) + " |")


def autoencoder(hidden):
    widths = [784] + hidden
    layers = []
    for w_in, w_out in zip(widths, widths[1:]):
        layers += [torch.nn.Linear(w_in, w_out), torch.nn.Sigmoid()]
    for w_in, w_out in zip(widths[::-1], widths[::-1][1:]):
        layers += [torch.nn.Linear(w_in, w_out), torch.nn.Sigmoid()]
    return torch.nn.Sequential(*layers).cuda()


def rate(step):
    """Steps per second of `step` (which synchronises), over about SECONDS after two warm-ups."""
    step()
    step()
    start, n = time.perf_counter(), 0
    while time.perf_counter() - start < SECONDS:
        step()
        n += 1
    return n / (time.perf_counter() - start)


def training_row(hidden, batch, fused, graph):
    net = autoencoder(hidden)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, fused=fused, foreach=None if fused else True, capturable=graph)
    x = torch.rand(batch, 784, device="cuda")

    def step():
        opt.zero_grad(set_to_none=not graph)
        loss = ((net(x) - x) ** 2).sum() / batch
        loss.backward()
        opt.step()
        return loss

    if graph:  # capture one step after warm-up on a side stream, as the CUDA graphs recipe does
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):
            for _ in range(3):
                step()
        torch.cuda.current_stream().wait_stream(side)
        g = torch.cuda.CUDAGraph()
        opt.zero_grad(set_to_none=False)
        with torch.cuda.graph(g):
            static_loss = step()
        run = lambda: (g.replay(), static_loss)[1]
    else:
        run = step

    def report():
        for _ in range(REPORT):
            loss = run()
        loss.item()

    def waited():
        run().item()

    return rate(report) * REPORT * batch, rate(waited) * batch


def training_table():
    print("| net | batch | Adam | samples/s, loss read every 8 steps | samples/s, each step waited for |")
    print("|---|---|---|---|---|")
    for hidden, batch in [([32], 64), ([1000, 500, 250, 30], 256)]:
        name = "784-" + "-".join(map(str, hidden)) + "-…"
        for label, fused, graph in [("foreach (default), eager", False, False), ("fused, eager", True, False),
                                    ("fused, CUDA graph", True, True)]:
            queued, each = training_row(hidden, batch, fused, graph)
            print(f"| {name} | {batch} | {label} | {queued:.0f} | {each:.0f} |")


if __name__ == "__main__":
    if not torch.cuda.is_available():
        sys.exit("pytorch_reference.py: no CUDA GPU")
    print(f"PyTorch {torch.__version__} on {torch.cuda.get_device_name()}, fp32, TF32 off\n")
    matmul_table()
    print()
    training_table()
