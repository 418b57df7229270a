// Variant: 128×64 tiles, 8×4 per invocation (rows 4·y.. and 64+4·y.., columns 4·x..), slices of 16
// staged without prefetch; the inner k loop written out.
const T_ROWS: u32 = 128u;
const T_COLS: u32 = 64u;
const T_SLICE: u32 = 16u;
const A_ROW: u32 = 33u;  // vectors per staged k of A: 32 and one of padding
const B_ROW: u32 = 17u;  // of B: 16 and one

var<workgroup> ta: array<vec4f, 528>;  // [16][33]
var<workgroup> tb: array<vec4f, 272>;  // [16][17]

fn a_slot(e: u32) -> vec2u {
    if (dims.trans_a == 0u) { return vec2u(e / T_SLICE, e % T_SLICE); }
    return vec2u(e % T_ROWS, e / T_ROWS);
}

fn b_slot(e: u32) -> vec2u {
    if (dims.trans_b == 1u) { return vec2u(e / T_SLICE, e % T_SLICE); }
    return vec2u(e % T_COLS, e / T_COLS);
}

fn stage_one_a(t: u32, j: u32, row0: u32, k0: u32) {
    let s = a_slot(t + 256u * j);
    ta[s.y * A_ROW + s.x / 4u][s.x % 4u] = load_a(row0 + s.x, k0 + s.y);
}

fn stage_one_b(t: u32, j: u32, col0: u32, k0: u32) {
    let s = b_slot(t + 256u * j);
    tb[s.y * B_ROW + s.x / 4u][s.x % 4u] = load_b(k0 + s.y, col0 + s.x);
}

fn madd_tall(acc: ptr<function, array<vec4f, 8>>, kk: u32, local: vec3u) {
    let a0 = ta[kk * A_ROW + local.y];
    let a1 = ta[kk * A_ROW + 16u + local.y];
    let b0 = tb[kk * B_ROW + local.x];
    (*acc)[0] = fma(vec4f(a0.x), b0, (*acc)[0]);
    (*acc)[1] = fma(vec4f(a0.y), b0, (*acc)[1]);
    (*acc)[2] = fma(vec4f(a0.z), b0, (*acc)[2]);
    (*acc)[3] = fma(vec4f(a0.w), b0, (*acc)[3]);
    (*acc)[4] = fma(vec4f(a1.x), b0, (*acc)[4]);
    (*acc)[5] = fma(vec4f(a1.y), b0, (*acc)[5]);
    (*acc)[6] = fma(vec4f(a1.z), b0, (*acc)[6]);
    (*acc)[7] = fma(vec4f(a1.w), b0, (*acc)[7]);
}

fn store4_tall(row: u32, col: u32, v: vec4f) {
    store_c(row, col, v.x);
    store_c(row, col + 1u, v.y);
    store_c(row, col + 2u, v.z);
    store_c(row, col + 3u, v.w);
}

@compute @workgroup_size(16, 16)
fn variant(@builtin(local_invocation_id) local: vec3u, @builtin(workgroup_id) group: vec3u) {
    let row0 = group.y * T_ROWS;
    let col0 = group.x * T_COLS;
    let t = local.y * 16u + local.x;
    var acc: array<vec4f, 8>;
    for (var k0 = 0u; k0 < dims.k; k0 += T_SLICE) {
        stage_one_a(t, 0u, row0, k0); stage_one_a(t, 1u, row0, k0); stage_one_a(t, 2u, row0, k0); stage_one_a(t, 3u, row0, k0);
        stage_one_a(t, 4u, row0, k0); stage_one_a(t, 5u, row0, k0); stage_one_a(t, 6u, row0, k0); stage_one_a(t, 7u, row0, k0);
        stage_one_b(t, 0u, col0, k0); stage_one_b(t, 1u, col0, k0); stage_one_b(t, 2u, col0, k0); stage_one_b(t, 3u, col0, k0);
        workgroupBarrier();
        madd_tall(&acc, 0u, local); madd_tall(&acc, 1u, local); madd_tall(&acc, 2u, local); madd_tall(&acc, 3u, local);
        madd_tall(&acc, 4u, local); madd_tall(&acc, 5u, local); madd_tall(&acc, 6u, local); madd_tall(&acc, 7u, local);
        madd_tall(&acc, 8u, local); madd_tall(&acc, 9u, local); madd_tall(&acc, 10u, local); madd_tall(&acc, 11u, local);
        madd_tall(&acc, 12u, local); madd_tall(&acc, 13u, local); madd_tall(&acc, 14u, local); madd_tall(&acc, 15u, local);
        workgroupBarrier();
    }
    let row = row0 + local.y * 4u;
    let col = col0 + local.x * 4u;
    store4_tall(row, col, acc[0]); store4_tall(row + 1u, col, acc[1]); store4_tall(row + 2u, col, acc[2]); store4_tall(row + 3u, col, acc[3]);
    store4_tall(row + 64u, col, acc[4]); store4_tall(row + 65u, col, acc[5]); store4_tall(row + 66u, col, acc[6]); store4_tall(row + 67u, col, acc[7]);
}
