// An image grid on a canvas: rows of grey or colour images (values 0..1), each scaled up by whole pixels.

/** `pixels` (values 0..1, width × height × channels) as ImageData: grey images as ink dark on paper,
 * colour images (3 channels, red green blue for each pixel) as they are. */
export function pixelImage(ctx, pixels, width, height, channels = 1) {
  const image = ctx.createImageData(width, height);
  const byte = (v) => Math.round(Math.min(1, Math.max(0, v)) * 255);
  for (let i = 0; i < width * height; i++) {
    if (channels === 3) image.data.set([byte(pixels[3 * i]), byte(pixels[3 * i + 1]), byte(pixels[3 * i + 2]), 255], i * 4);
    else {
      const v = 255 - byte(pixels[i]);
      image.data.set([v, v, v, 255], i * 4);
    }
  }
  return image;
}

export class ImageGrid {
  /** Images are drawn about `size` pixels wide, whatever their own width. */
  constructor(canvas, { size = 84, gap = 2 } = {}) {
    this.canvas = canvas;
    this.size = size;
    this.gap = gap;
  }

  /** `rows` is a list of rows, each a list of Float32Array images of width × height × channels values. */
  update(rows, width, height, channels = 1) {
    this.scale = Math.max(1, Math.round(this.size / width));
    const cols = Math.max(...rows.map((r) => r.length));
    const cell = width * this.scale + this.gap;
    const ctx = this.canvas.getContext('2d');
    this.canvas.width = cols * cell - this.gap;
    this.canvas.height = rows.length * (height * this.scale + this.gap) - this.gap;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    const scratch = new OffscreenCanvas(width, height);
    const sctx = scratch.getContext('2d');
    ctx.imageSmoothingEnabled = false;
    rows.forEach((row, r) =>
      row.forEach((pixels, c) => {
        sctx.putImageData(pixelImage(sctx, pixels, width, height, channels), 0, 0);
        ctx.drawImage(scratch, c * cell, r * (height * this.scale + this.gap), width * this.scale, height * this.scale);
      }),
    );
  }
}
