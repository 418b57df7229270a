// An image grid on a canvas: rows of greyscale images (values 0..1), each scaled up by whole pixels.

/** `pixels` (values 0..1, width × height) as ImageData: ink dark on paper. */
export function greyImage(ctx, pixels, width, height) {
  const image = ctx.createImageData(width, height);
  for (let i = 0; i < width * height; i++) {
    const v = 255 - Math.round(Math.min(1, Math.max(0, pixels[i])) * 255);
    image.data.set([v, v, v, 255], i * 4);
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

  /** `rows` is a list of rows, each a list of Float32Array images of width × height values. */
  update(rows, width, height) {
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
        sctx.putImageData(greyImage(sctx, pixels, width, height), 0, 0);
        ctx.drawImage(scratch, c * cell, r * (height * this.scale + this.gap), width * this.scale, height * this.scale);
      }),
    );
  }
}
