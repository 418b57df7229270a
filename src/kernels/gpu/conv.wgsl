// im2col and col2im over channels-last maps [B, H, W, C]: the WGSL twins of conv::im2col and
// conv::col2im (model/conv.rs), one invocation per value written. A convolution and a transposed
// convolution are each one of these and one product (matmul*.wgsl). Invocation i is
// id.x + id.y · g.span (a 2-D dispatch, for batches past one dimension's 65,535 workgroups).

struct Geometry {
    rows: u32,
    height: u32,
    width: u32,
    channels: u32,
    kernel: u32,
    stride: u32,
    pad: u32,
    out_height: u32,
    out_width: u32,
    n: u32,       // values to write
    span: u32,    // invocations along x
    _pad: u32,
}

@group(0) @binding(0) var<uniform> g: Geometry;
@group(0) @binding(1) var<storage, read_write> cols: array<f32>;
@group(0) @binding(2) var<storage, read_write> image: array<f32>;

// cols [B·OH·OW, K·K·C]: value i is channel ch of window pixel (ky, kx) at output position (oy, ox).
@compute @workgroup_size(256)
fn im2col(@builtin(global_invocation_id) id: vec3u) {
    let i = id.x + id.y * g.span;
    if (i >= g.n) { return; }
    let window = g.kernel * g.kernel * g.channels;
    let col = i % window;
    let r = i / window;
    let ox = r % g.out_width;
    let oy = (r / g.out_width) % g.out_height;
    let b = r / (g.out_width * g.out_height);
    let ch = col % g.channels;
    let kx = (col / g.channels) % g.kernel;
    let ky = col / (g.channels * g.kernel);
    let y = i32(oy * g.stride + ky) - i32(g.pad);
    let x = i32(ox * g.stride + kx) - i32(g.pad);
    var v = 0.0;
    if (y >= 0 && y < i32(g.height) && x >= 0 && x < i32(g.width)) {
        v = image[((b * g.height + u32(y)) * g.width + u32(x)) * g.channels + ch];
    }
    cols[i] = v;
}

// image [B, H, W, C]: value i gathers every cols value that im2col copies from it.
@compute @workgroup_size(256)
fn col2im(@builtin(global_invocation_id) id: vec3u) {
    let i = id.x + id.y * g.span;
    if (i >= g.n) { return; }
    let window = g.kernel * g.kernel * g.channels;
    let ch = i % g.channels;
    let x = (i / g.channels) % g.width;
    let y = (i / (g.channels * g.width)) % g.height;
    let b = i / (g.channels * g.width * g.height);
    var sum = 0.0;
    for (var ky = 0u; ky < g.kernel; ky++) {
        let ty = i32(y + g.pad) - i32(ky);
        if (ty < 0 || u32(ty) % g.stride != 0u) { continue; }
        let oy = u32(ty) / g.stride;
        if (oy >= g.out_height) { continue; }
        for (var kx = 0u; kx < g.kernel; kx++) {
            let tx = i32(x + g.pad) - i32(kx);
            if (tx < 0 || u32(tx) % g.stride != 0u) { continue; }
            let ox = u32(tx) / g.stride;
            if (ox >= g.out_width) { continue; }
            sum += cols[((b * g.out_height + oy) * g.out_width + ox) * window + (ky * g.kernel + kx) * g.channels + ch];
        }
    }
    image[i] = sum;
}
