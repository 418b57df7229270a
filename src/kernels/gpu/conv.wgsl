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

// 2×2 max pooling and its mirror (conv::max_pool, max_pool_backward, upsample, upsample_backward):
// `image` is the large map [B, H, W, C], `cols` the small one [B, H/2, W/2, C], `which` each small
// value's place in its window (0..4, row by row).
@group(0) @binding(3) var<storage, read_write> which: array<f32>;

// The large map's index of window value k over small-map value i.
fn window_source(i: u32, k: u32) -> u32 {
    let c = g.channels;
    let half_w = g.width / 2u;
    let half_h = g.height / 2u;
    let ch = i % c;
    let x = (i / c) % half_w;
    let y = (i / (c * half_w)) % half_h;
    let b = i / (c * half_w * half_h);
    return ((b * g.height + 2u * y + k / 2u) * g.width + 2u * x + k % 2u) * c + ch;
}

@compute @workgroup_size(256)
fn max_pool(@builtin(global_invocation_id) id: vec3u) {
    let i = id.x + id.y * g.span;
    if (i >= g.n) { return; }
    var best = 0u;
    for (var k = 1u; k < 4u; k++) {
        if (image[window_source(i, k)] > image[window_source(i, best)]) { best = k; }
    }
    cols[i] = image[window_source(i, best)];
    which[i] = f32(best);
}

@compute @workgroup_size(256)
fn max_pool_backward(@builtin(global_invocation_id) id: vec3u) {
    let i = id.x + id.y * g.span; // over the large map
    if (i >= g.n) { return; }
    let c = g.channels;
    let x = (i / c) % g.width;
    let y = (i / (c * g.width)) % g.height;
    let b = i / (c * g.width * g.height);
    let small = ((b * (g.height / 2u) + y / 2u) * (g.width / 2u) + x / 2u) * c + i % c;
    let k = (y % 2u) * 2u + x % 2u;
    image[i] = select(0.0, cols[small], u32(which[small]) == k);
}

@compute @workgroup_size(256)
fn upsample(@builtin(global_invocation_id) id: vec3u) {
    let i = id.x + id.y * g.span; // over the large map
    if (i >= g.n) { return; }
    let c = g.channels;
    let x = (i / c) % g.width;
    let y = (i / (c * g.width)) % g.height;
    let b = i / (c * g.width * g.height);
    image[i] = cols[((b * (g.height / 2u) + y / 2u) * (g.width / 2u) + x / 2u) * c + i % c];
}

@compute @workgroup_size(256)
fn upsample_backward(@builtin(global_invocation_id) id: vec3u) {
    let i = id.x + id.y * g.span; // over the small map
    if (i >= g.n) { return; }
    cols[i] = image[window_source(i, 0u)] + image[window_source(i, 1u)] + image[window_source(i, 2u)] + image[window_source(i, 3u)];
}
