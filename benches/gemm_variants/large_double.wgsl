// Variant: matmul_large.wgsl's kernel with two staging buffers: the next slice is staged into one
// while the other is multiplied, so one barrier per slice instead of two.
var<workgroup> double_a: array<vec4f, 1056>;  // two [SLICE][ROW] slices
var<workgroup> double_b: array<vec4f, 1056>;

fn put_into(base: u32, e: u32, a: f32, b: f32) {
    let sa = slot(e, dims.trans_a == 0u);
    double_a[base + sa.y * ROW + sa.x / 4u][sa.x % 4u] = a;
    let sb = slot(e, dims.trans_b == 1u);
    double_b[base + sb.y * ROW + sb.x / 4u][sb.x % 4u] = b;
}

fn stage_into(base: u32, t: u32, row0: u32, col0: u32, k0: u32) {
    let a_lo = fetch_a(t, row0, k0, 0u);
    let a_hi = fetch_a(t, row0, k0, 4u);
    let b_lo = fetch_b(t, col0, k0, 0u);
    let b_hi = fetch_b(t, col0, k0, 4u);
    put_into(base, t, a_lo.x, b_lo.x); put_into(base, t + 256u, a_lo.y, b_lo.y);
    put_into(base, t + 512u, a_lo.z, b_lo.z); put_into(base, t + 768u, a_lo.w, b_lo.w);
    put_into(base, t + 1024u, a_hi.x, b_hi.x); put_into(base, t + 1280u, a_hi.y, b_hi.y);
    put_into(base, t + 1536u, a_hi.z, b_hi.z); put_into(base, t + 1792u, a_hi.w, b_hi.w);
}

fn madd_from(acc: ptr<function, array<vec4f, 16>>, base: u32, kk: u32, local: vec3u) {
    let a0 = double_a[base + kk * ROW + local.y];
    let a1 = double_a[base + kk * ROW + 16u + local.y];
    let b0 = double_b[base + kk * ROW + local.x];
    let b1 = double_b[base + kk * ROW + 16u + local.x];
    (*acc)[0] = fma(vec4f(a0.x), b0, (*acc)[0]);
    (*acc)[1] = fma(vec4f(a0.x), b1, (*acc)[1]);
    (*acc)[2] = fma(vec4f(a0.y), b0, (*acc)[2]);
    (*acc)[3] = fma(vec4f(a0.y), b1, (*acc)[3]);
    (*acc)[4] = fma(vec4f(a0.z), b0, (*acc)[4]);
    (*acc)[5] = fma(vec4f(a0.z), b1, (*acc)[5]);
    (*acc)[6] = fma(vec4f(a0.w), b0, (*acc)[6]);
    (*acc)[7] = fma(vec4f(a0.w), b1, (*acc)[7]);
    (*acc)[8] = fma(vec4f(a1.x), b0, (*acc)[8]);
    (*acc)[9] = fma(vec4f(a1.x), b1, (*acc)[9]);
    (*acc)[10] = fma(vec4f(a1.y), b0, (*acc)[10]);
    (*acc)[11] = fma(vec4f(a1.y), b1, (*acc)[11]);
    (*acc)[12] = fma(vec4f(a1.z), b0, (*acc)[12]);
    (*acc)[13] = fma(vec4f(a1.z), b1, (*acc)[13]);
    (*acc)[14] = fma(vec4f(a1.w), b0, (*acc)[14]);
    (*acc)[15] = fma(vec4f(a1.w), b1, (*acc)[15]);
}

@compute @workgroup_size(16, 16)
fn variant(@builtin(local_invocation_id) local: vec3u, @builtin(workgroup_id) group: vec3u) {
    let row0 = group.y * TILE;
    let col0 = group.x * TILE;
    let t = local.y * 16u + local.x;
    var acc: array<vec4f, 16>;
    stage_into(0u, t, row0, col0, 0u);
    workgroupBarrier();
    var base = 0u;
    for (var k0 = 0u; k0 < dims.k; k0 += SLICE) {
        let next = 528u - base;
        if (k0 + SLICE < dims.k) { stage_into(next, t, row0, col0, k0 + SLICE); }
        madd_from(&acc, base, 0u, local); madd_from(&acc, base, 1u, local);
        madd_from(&acc, base, 2u, local); madd_from(&acc, base, 3u, local);
        madd_from(&acc, base, 4u, local); madd_from(&acc, base, 5u, local);
        madd_from(&acc, base, 6u, local); madd_from(&acc, base, 7u, local);
        madd_from(&acc, base, 8u, local); madd_from(&acc, base, 9u, local);
        madd_from(&acc, base, 10u, local); madd_from(&acc, base, 11u, local);
        madd_from(&acc, base, 12u, local); madd_from(&acc, base, 13u, local);
        madd_from(&acc, base, 14u, local); madd_from(&acc, base, 15u, local);
        workgroupBarrier();
        base = next;
    }
    let row = row0 + local.y * 4u;
    let col = col0 + local.x * 4u;
    store_row(row, col, acc[0], acc[1]);
    store_row(row + 1u, col, acc[2], acc[3]);
    store_row(row + 2u, col, acc[4], acc[5]);
    store_row(row + 3u, col, acc[6], acc[7]);
    store_row(row + 64u, col, acc[8], acc[9]);
    store_row(row + 65u, col, acc[10], acc[11]);
    store_row(row + 66u, col, acc[12], acc[13]);
    store_row(row + 67u, col, acc[14], acc[15]);
}
