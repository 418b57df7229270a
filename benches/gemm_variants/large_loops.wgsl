// Variant: matmul_large.wgsl's kernel with its k loop as a loop (the compiler may unroll it).
@compute @workgroup_size(16, 16)
fn variant(@builtin(local_invocation_id) local: vec3u, @builtin(workgroup_id) group: vec3u) {
    let row0 = group.y * TILE;
    let col0 = group.x * TILE;
    let t = local.y * 16u + local.x;
    var acc: array<vec4f, 16>;
    for (var k0 = 0u; k0 < dims.k; k0 += SLICE) {
        let a_lo = fetch_a(t, row0, k0, 0u);
        let a_hi = fetch_a(t, row0, k0, 4u);
        let b_lo = fetch_b(t, col0, k0, 0u);
        let b_hi = fetch_b(t, col0, k0, 4u);
        stage(t, 0u, a_lo, b_lo);
        stage(t, 4u, a_hi, b_hi);
        workgroupBarrier();
        for (var kk = 0u; kk < SLICE; kk++) {
            multiply_add(&acc, kk, local);
        }
        workgroupBarrier();
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
