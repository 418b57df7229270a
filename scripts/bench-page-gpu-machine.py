#!/usr/bin/env python3
"""The bench page (www/bench/bench.html) in headless Chromium on a machine with a GPU but no Node: serves
dist/, finds a set of Chromium flags under which WebGPU gets a hardware adapter (a probe page reports
the adapter each set gives), then runs the bench page with them and writes its rows as a markdown
table. Used by `scripts/bench-gpu-machine.sh chromium` on the lent GPU machine.

Usage: bench-page-gpu-machine.py CHROMIUM_BINARY DIST_DIR OUT_DIR [--quick] [--allow-fallback]
(--allow-fallback accepts a software adapter: for trying the script where there is no GPU.)
"""
import http.server
import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import datetime

PROBE = b"""<!doctype html><meta charset="utf-8"><script type="module">
const post = (body) => fetch('/probe-report', { method: 'POST', body: JSON.stringify(body) });
try {
  const adapter = navigator.gpu && await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) post({ error: navigator.gpu ? 'requestAdapter() gave null' : 'no navigator.gpu' });
  else post({ info: { vendor: adapter.info.vendor, architecture: adapter.info.architecture,
    device: adapter.info.device, description: adapter.info.description, isFallbackAdapter: adapter.info.isFallbackAdapter },
    workgroupStorage: adapter.limits.maxComputeWorkgroupStorageSize, userAgent: navigator.userAgent });
} catch (e) { post({ error: String(e) }); }
</script>"""

COMMON_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu-sandbox", "--no-first-run", "--no-default-browser-check",
    "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-quic", "--enable-unsafe-webgpu", "--ignore-gpu-blocklist",
]
# Tried in order; the first under which the probe reports a hardware adapter runs the bench page. On
# the H100 machine (NVIDIA 580 driver, no display) only the first gave one: without
# --disable-gpu-compositing requestAdapter() gave null, and without the Vulkan feature SwiftShader.
FLAG_SETS = [
    ["--enable-features=Vulkan", "--use-angle=vulkan", "--disable-vulkan-surface", "--disable-gpu-compositing"],
    ["--enable-features=Vulkan", "--use-angle=vulkan", "--disable-vulkan-surface"],
    ["--enable-features=Vulkan", "--use-gl=angle", "--use-angle=swiftshader"],
    ["--enable-features=Vulkan,VulkanFromANGLE,DefaultANGLEVulkan", "--use-vulkan=native", "--use-angle=vulkan"],
    ["--use-webgpu-adapter=default"],
    [],
    ["--enable-unsafe-swiftshader"],  # a software adapter: only with --allow-fallback
]
# What the browser's log says about the GPU, kept from each probe (the rest is noise about D-Bus and fonts).
GPU_WORDS = ("vulkan", "dawn", "webgpu", "adapter", "icd", "angle", "gpu", "driver", "nvidia")

reports = queue.Queue()


def handler(root):
    class Handler(http.server.SimpleHTTPRequestHandler):
        extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                          ".wasm": "application/wasm", ".js": "text/javascript", ".mjs": "text/javascript"}

        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=root, **kwargs)

        def do_GET(self):
            if self.path == "/probe.html":
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                self.wfile.write(PROBE)
            else:
                super().do_GET()

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(204)
            self.end_headers()
            reports.put((self.path, json.loads(body)))

        def log_message(self, *args):
            pass

    return Handler


def run_chromium(binary, flags, url, timeout, log_path):
    """Opens url and waits for the page's one report (None after timeout seconds)."""
    while not reports.empty():
        reports.get()
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile, open(log_path, "w") as log:
        proc = subprocess.Popen([binary, *COMMON_FLAGS, *flags, "--enable-logging=stderr", "--v=1",
                                 f"--user-data-dir={profile}", url],
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            return reports.get(timeout=timeout)[1]
        except queue.Empty:
            return None
        finally:
            os.killpg(proc.pid, signal.SIGKILL)  # the browser and its GPU and renderer processes
            proc.wait()
            keep_gpu_lines(log_path)


def keep_gpu_lines(log_path):
    with open(log_path, errors="replace") as f:
        lines = [line for line in f if any(w in line.lower() for w in GPU_WORDS)]
    with open(log_path, "w") as f:
        f.writelines(lines[-3000:])


def main():
    binary, dist, out = sys.argv[1:4]
    quick = "--quick" in sys.argv
    allow_fallback = "--allow-fallback" in sys.argv
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler(os.path.abspath(dist)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip()
    chosen = None
    for i, flags in enumerate(FLAG_SETS):
        probe = run_chromium(binary, flags, f"{base}/probe.html", 30, f"{out}/chromium-probe-{i}.log")
        print(f"flags {' '.join(flags) or '(none)'}: {json.dumps(probe)}", flush=True)
        if probe and "info" in probe and (allow_fallback or not probe["info"]["isFallbackAdapter"]):
            chosen = (flags, probe)
            break
    if not chosen:
        sys.exit("no flag set gave WebGPU a hardware adapter")
    flags, probe = chosen
    result = run_chromium(binary, flags, f"{base}/www/bench/bench.html#report{'-quick' if quick else ''}", 570,
                          f"{out}/chromium-bench.log")
    if not result or "rows" not in result:
        sys.exit(f"the bench page did not finish: {result}")
    lines = [f"Bench page, {version}, {datetime.date.today()}{' (quick)' if quick else ''}",
             f"Flags: {' '.join(COMMON_FLAGS + flags)}",
             f"Adapter: {json.dumps(probe['info'])}, maxComputeWorkgroupStorageSize {probe['workgroupStorage']}", "",
             "| what | engine | size | result |", "|---|---|---|---|"]
    lines += [f"| {r['what']} | {r['engine']} | {r['size']} | {r['result']} |" for r in result["rows"]]
    text = "\n".join(lines) + "\n"
    print(text)
    with open(f"{out}/bench-page.md", "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
