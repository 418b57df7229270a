// How the large-tile kernel (matmul_large.wgsl) reads its operands when M, K, N and the three offsets
// are all multiples of 4 (a vector then lies wholly inside a matrix or wholly outside it): as vectors
// of 4, two loads per operand and invocation where the scalar way takes eight.
// The v-th vector of a slice (v < 512) runs along k for a plain A or a transposed B (row or column
// v / 4, k from 4·(v % 4)), and along the rows or columns otherwise (k = v / 32, from row or column
// 4·(v % 32)): neighbouring invocations read neighbouring vectors either way. (fetch_a4 and fetch_b4
// mirror each other: one shared slot function measured slower.)

@group(0) @binding(1) var<storage, read> a: array<vec4f>;
@group(0) @binding(2) var<storage, read> b: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> c: array<vec4f>;

fn fetch_a4(row0: u32, k0: u32, v: u32) -> vec4f {
    var row = row0 + 4u * (v % 32u);
    var k = k0 + v / 32u;
    if (dims.trans_a == 0u) {
        row = row0 + v / 4u;
        k = k0 + 4u * (v % 4u);
    }
    if (row >= dims.m || k >= dims.k) { return vec4f(0.0); }
    if (dims.trans_a == 0u) { return a[(dims.off_a + row * dims.k + k) / 4u]; }
    return a[(dims.off_a + k * dims.m + row) / 4u];
}

fn fetch_b4(k0: u32, col0: u32, v: u32) -> vec4f {
    var col = col0 + 4u * (v % 32u);
    var k = k0 + v / 32u;
    if (dims.trans_b == 1u) {
        col = col0 + v / 4u;
        k = k0 + 4u * (v % 4u);
    }
    if (col >= dims.n || k >= dims.k) { return vec4f(0.0); }
    if (dims.trans_b == 1u) { return b[(dims.off_b + col * dims.k + k) / 4u]; }
    return b[(dims.off_b + k * dims.n + col) / 4u];
}

// Stages the v-th vector of A's slice (is_a) or B's: whole when it runs along the rows or columns,
// else spread over 4 k. (WGSL functions cannot take pointers to workgroup memory.)
fn put4(is_a: bool, along_k: bool, v: u32, x: vec4f) {
    if (!along_k) {
        let i = staged(v / 32u, v % 32u);
        if (is_a) { tile_a[i] = x; } else { tile_b[i] = x; }
        return;
    }
    let r = v / 4u;
    let k = 4u * (v % 4u);
    put1(is_a, staged(k, r / 4u), r % 4u, x.x);
    put1(is_a, staged(k + 1u, r / 4u), r % 4u, x.y);
    put1(is_a, staged(k + 2u, r / 4u), r % 4u, x.z);
    put1(is_a, staged(k + 3u, r / 4u), r % 4u, x.w);
}

fn put1(is_a: bool, i: u32, lane: u32, value: f32) {
    if (is_a) { tile_a[i][lane] = value; } else { tile_b[i][lane] = value; }
}

fn fetch_slice(t: u32, row0: u32, col0: u32, k0: u32) -> Fetched {
    return Fetched(fetch_a4(row0, k0, t), fetch_a4(row0, k0, t + 256u), fetch_b4(k0, col0, t),
                   fetch_b4(k0, col0, t + 256u));
}

fn stage_slice(t: u32, f: Fetched) {
    put4(true, dims.trans_a == 0u, t, f.a0);
    put4(true, dims.trans_a == 0u, t + 256u, f.a1);
    put4(false, dims.trans_b == 1u, t, f.b0);
    put4(false, dims.trans_b == 1u, t + 256u, f.b1);
}

// Adds four consecutive columns of one row of the product to C (or writes them), inside C.
fn store4(row: u32, col: u32, v: vec4f) {
    if (row < dims.m && col < dims.n) {
        let i = (dims.off_c + row * dims.n + col) / 4u;
        var prior = vec4f(0.0);
        if (dims.accumulate == 1u) { prior = c[i]; }
        c[i] = prior + v;
    }
}
