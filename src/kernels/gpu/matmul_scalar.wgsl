// The operands as scalars (after matmul_common.wgsl): any shape and offsets.

@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;

fn load_a(row: u32, k: u32) -> f32 {
    if (row >= dims.m || k >= dims.k) { return 0.0; }
    if (dims.trans_a == 1u) { return a[dims.off_a + k * dims.m + row]; }
    return a[dims.off_a + row * dims.k + k];
}

fn load_b(k: u32, col: u32) -> f32 {
    if (k >= dims.k || col >= dims.n) { return 0.0; }
    if (dims.trans_b == 1u) { return b[dims.off_b + col * dims.k + k]; }
    return b[dims.off_b + k * dims.n + col];
}

// Adds the product to C (or writes it), where it lies inside C.
fn store_c(row: u32, col: u32, value: f32) {
    if (row < dims.m && col < dims.n) {
        let i = dims.off_c + row * dims.n + col;
        var prior = 0.0;
        if (dims.accumulate == 1u) { prior = c[i]; }
        c[i] = prior + value;
    }
}

// Four consecutive columns of one row of the product.
fn store4(row: u32, col: u32, v: vec4f) {
    store_c(row, col, v.x);
    store_c(row, col + 1u, v.y);
    store_c(row, col + 2u, v.z);
    store_c(row, col + 3u, v.w);
}
