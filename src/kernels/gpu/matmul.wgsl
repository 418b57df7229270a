// The small-tile matmul (matmul_common.wgsl holds the operands and their layouts), for products too
// small to fill the GPU with 128-wide tiles.
// Each 16×16 workgroup computes a 64×64 tile of C, each invocation a 4×4 block of it in registers.
// K is walked in slices of 16: a 64×16 slice of op(A) and a 16×64 slice of op(B) are staged in
// workgroup memory as vectors of 4, then every invocation multiplies its 4 rows by its 4 columns
// with one vector read of each slice and four vector multiply-adds per k.

const TILE: u32 = 64u;      // rows and columns of C per workgroup
const SLICE: u32 = 16u;     // K per staged slice
const BLOCK: u32 = 4u;      // rows and columns of C per invocation

// Staged slices as vectors of 4, so that the inner loop reads one vector of A and one of B per k.
var<workgroup> tile_a: array<vec4f, 256>;  // [SLICE][TILE / 4]: 4 consecutive rows of op(A) at one k
var<workgroup> tile_b: array<vec4f, 256>;  // [SLICE][TILE / 4]: 4 consecutive columns of op(B) at one k

// One k of the staged slices: a vector of op(A)'s 4 rows times a vector of op(B)'s 4 columns. The k
// loop calls it written out (see matmul_large.wgsl on why the hot paths have no loops).
fn multiply_add(acc: ptr<function, array<vec4f, 4>>, kk: u32, local: vec3u) {
    let av = tile_a[kk * 16u + local.y];
    let bv = tile_b[kk * 16u + local.x];
    (*acc)[0] = fma(vec4f(av.x), bv, (*acc)[0]);
    (*acc)[1] = fma(vec4f(av.y), bv, (*acc)[1]);
    (*acc)[2] = fma(vec4f(av.z), bv, (*acc)[2]);
    (*acc)[3] = fma(vec4f(av.w), bv, (*acc)[3]);
}

@compute @workgroup_size(16, 16)
fn matmul(@builtin(local_invocation_id) local: vec3u, @builtin(workgroup_id) group: vec3u) {
    let row0 = group.y * TILE;
    let col0 = group.x * TILE;
    let thread = local.y * 16u + local.x;
    var acc: array<vec4f, 4>;  // acc[r] holds this invocation's 4 columns of its row r

    // Each invocation stages one vector of each slice. Neighbouring invocations take neighbouring k
    // of A (contiguous in a plain A) and neighbouring columns of B (contiguous in a plain B).
    let a_k = thread % SLICE;
    let a_rows = row0 + (thread / SLICE) * BLOCK;
    let b_k = thread / 16u;
    let b_cols = col0 + (thread % 16u) * BLOCK;
    for (var k0 = 0u; k0 < dims.k; k0 += SLICE) {
        let ka = k0 + a_k;
        tile_a[a_k * 16u + thread / SLICE] =
            vec4f(load_a(a_rows, ka), load_a(a_rows + 1u, ka), load_a(a_rows + 2u, ka), load_a(a_rows + 3u, ka));
        let kb = k0 + b_k;
        tile_b[thread] =
            vec4f(load_b(kb, b_cols), load_b(kb, b_cols + 1u), load_b(kb, b_cols + 2u), load_b(kb, b_cols + 3u));
        workgroupBarrier();
        multiply_add(&acc, 0u, local); multiply_add(&acc, 1u, local);
        multiply_add(&acc, 2u, local); multiply_add(&acc, 3u, local);
        multiply_add(&acc, 4u, local); multiply_add(&acc, 5u, local);
        multiply_add(&acc, 6u, local); multiply_add(&acc, 7u, local);
        multiply_add(&acc, 8u, local); multiply_add(&acc, 9u, local);
        multiply_add(&acc, 10u, local); multiply_add(&acc, 11u, local);
        multiply_add(&acc, 12u, local); multiply_add(&acc, 13u, local);
        multiply_add(&acc, 14u, local); multiply_add(&acc, 15u, local);
        workgroupBarrier();
    }

    let row = row0 + local.y * BLOCK;
    let col = col0 + local.x * BLOCK;
    store4(row, col, acc[0]);
    store4(row + 1u, col, acc[1]);
    store4(row + 2u, col, acc[2]);
    store4(row + 3u, col, acc[3]);
}
