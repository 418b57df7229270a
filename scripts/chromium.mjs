// Launching Debian's Chromium headless through playwright-core, with WebGPU on (SwiftShader when
// there is no GPU) and the network chatter off: shared by the end-to-end tests and the bench script.
import { chromium } from 'playwright-core';

const FLAGS = [
  '--enable-unsafe-webgpu',
  '--enable-unsafe-swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  '--disable-default-apps',
];

export function launch() {
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: FLAGS });
}
