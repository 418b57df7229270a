// <ae-playground>: the playground in any page, from a plain <script type="module" src=".../www/embed.js">.
// Attributes: preset (a lesson: bottleneck, pretraining, denoising, sparse, contractive, vae, pca),
// dataset, hide, lock (setting keys or group names, comma-separated), autoplay, height (CSS), src (the
// playground's address; by default the one this script came from). The element holds the playground in
// an iframe that answers this page's origin only; its methods talk to it by postMessage:
// ready (a promise), play(), pause(), loadPreset(name), metrics().

const PLAYGROUND = new URL('../', import.meta.url).href;

class AePlayground extends HTMLElement {
  connectedCallback() {
    if (this.frame) {
      window.addEventListener('message', this.listener); // moved in the page: listen again
      return;
    }
    const src = new URL(this.getAttribute('src') ?? PLAYGROUND);
    const params = new URLSearchParams();
    for (const [attribute, key] of [['preset', 'lesson'], ['dataset', 'dataset'], ['hide', 'hide'], ['lock', 'lock']]) {
      if (this.hasAttribute(attribute)) params.set(key, this.getAttribute(attribute));
    }
    if (this.hasAttribute('autoplay')) params.set('autoplay', '1');
    params.set('embedder', location.origin);
    src.hash = params.toString();
    this.origin = src.origin;
    this.pending = new Map();
    this.nextId = 1;
    this.frame = Object.assign(document.createElement('iframe'), {
      src: src.href,
      title: this.getAttribute('title') ?? 'Autoencoder playground',
      // In a cross-origin isolated course page, the playground may be isolated too (its threads).
      allow: 'cross-origin-isolated',
    });
    Object.assign(this.frame.style, { width: '100%', height: this.getAttribute('height') ?? '700px', border: '0' });
    this.ready = new Promise((resolve) => (this.announceReady = resolve));
    this.listener = ({ source, origin, data }) => {
      if (source !== this.frame.contentWindow || origin !== this.origin || !data || typeof data !== 'object') return;
      if (data.type === 'ae:ready') this.announceReady();
      if (data.type === 'ae:reply' && this.pending.has(data.id)) {
        const { resolve, reject } = this.pending.get(data.id);
        this.pending.delete(data.id);
        if (data.error) reject(new Error(data.error));
        else resolve(data.value);
      }
    };
    window.addEventListener('message', this.listener);
    this.append(this.frame);
  }

  disconnectedCallback() {
    window.removeEventListener('message', this.listener);
  }

  /** Sends a request once the playground is ready; resolves with its answer. */
  async request(type, fields = {}) {
    await this.ready;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.frame.contentWindow.postMessage({ type, id, ...fields }, this.origin);
    });
  }

  play() {
    return this.request('ae:play');
  }

  pause() {
    return this.request('ae:pause');
  }

  /** Switches to a lesson: a built-in one's key, or a lesson object of the JSON format (see
   * docs/instructors.md); resolves with the settings in force, rejects with what is wrong. */
  loadPreset(lesson) {
    return this.request('ae:load', { lesson });
  }

  /** {step, epoch, phase, finished, trainLoss, testLoss, samplesPerSecond, backend, running, …} */
  metrics() {
    return this.request('ae:metrics');
  }
}

if (!customElements.get('ae-playground')) customElements.define('ae-playground', AePlayground);
