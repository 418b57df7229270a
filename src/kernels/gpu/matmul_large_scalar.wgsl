// How the large-tile kernel (matmul_large.wgsl) fetches a slice when the operands are scalars
// (matmul_scalar.wgsl): any shape. Each invocation stages 8 values of each operand's slice
// (TILE·SLICE / 256), the e-th at e = t + 256·j.

// Where the e-th value an invocation group stages lies in a slice: (row or column, k). Neighbouring
// invocations take neighbouring addresses in memory: along k for a plain A or a transposed B, along
// the rows or columns otherwise.
fn slot(e: u32, along_k: bool) -> vec2u {
    if (along_k) { return vec2u(e / SLICE, e % SLICE); }
    return vec2u(e % TILE, e / TILE);
}

// Values j0..j0+3 of the 8 that invocation t stages from the slice of op(A) at k0. All 16 loads of
// a slice are issued before any is stored (one at a time, each load waited for before its store, was
// far slower).
fn fetch_a(t: u32, row0: u32, k0: u32, j0: u32) -> vec4f {
    let along_k = dims.trans_a == 0u;
    let s0 = slot(t + 256u * j0, along_k);
    let s1 = slot(t + 256u * (j0 + 1u), along_k);
    let s2 = slot(t + 256u * (j0 + 2u), along_k);
    let s3 = slot(t + 256u * (j0 + 3u), along_k);
    return vec4f(load_a(row0 + s0.x, k0 + s0.y), load_a(row0 + s1.x, k0 + s1.y),
                 load_a(row0 + s2.x, k0 + s2.y), load_a(row0 + s3.x, k0 + s3.y));
}

fn fetch_b(t: u32, col0: u32, k0: u32, j0: u32) -> vec4f {
    let along_k = dims.trans_b == 1u;
    let s0 = slot(t + 256u * j0, along_k);
    let s1 = slot(t + 256u * (j0 + 1u), along_k);
    let s2 = slot(t + 256u * (j0 + 2u), along_k);
    let s3 = slot(t + 256u * (j0 + 3u), along_k);
    return vec4f(load_b(k0 + s0.y, col0 + s0.x), load_b(k0 + s1.y, col0 + s1.x),
                 load_b(k0 + s2.y, col0 + s2.x), load_b(k0 + s3.y, col0 + s3.x));
}

// Writes one value fetched for the e-th slot into a staged slice.
fn put_a(e: u32, value: f32) {
    let s = slot(e, dims.trans_a == 0u);
    tile_a[staged(s.y, s.x / 4u)][s.x % 4u] = value;
}

fn put_b(e: u32, value: f32) {
    let s = slot(e, dims.trans_b == 1u);
    tile_b[staged(s.y, s.x / 4u)][s.x % 4u] = value;
}

// Stages what fetch_a and fetch_b returned for values j0..j0+3.
fn stage(t: u32, j0: u32, a4: vec4f, b4: vec4f) {
    let e = t + 256u * j0;
    put_a(e, a4.x);
    put_a(e + 256u, a4.y);
    put_a(e + 512u, a4.z);
    put_a(e + 768u, a4.w);
    put_b(e, b4.x);
    put_b(e + 256u, b4.y);
    put_b(e + 512u, b4.z);
    put_b(e + 768u, b4.w);
}

fn fetch_slice(t: u32, row0: u32, col0: u32, k0: u32) -> Fetched {
    return Fetched(fetch_a(t, row0, k0, 0u), fetch_a(t, row0, k0, 4u), fetch_b(t, col0, k0, 0u),
                   fetch_b(t, col0, k0, 4u));
}

fn stage_slice(t: u32, f: Fetched) {
    stage(t, 0u, f.a0, f.b0);
    stage(t, 4u, f.a1, f.b1);
}
