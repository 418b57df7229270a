// C[M, N] = op(A) · op(B) (+ C when accumulating), row-major f32, where op(A) is [M, K] (A stored
// [M, K], or [K, M] read transposed) and op(B) is [K, N] (B stored [K, N], or [N, K] transposed).
// Each matrix starts at an element offset into its buffer, so layers can be views of one flat buffer.
// Each 16×16 workgroup computes a 64×64 tile of C, each invocation a 4×4 block of it in registers.
// K is walked in slices of 16: a 64×16 slice of op(A) and a 16×64 slice of op(B) are staged in
// workgroup memory as vectors of 4, then every invocation multiplies its 4 rows by its 4 columns
// with one vector read of each slice and four vector multiply-adds per k.

struct Dims {
    m: u32,
    k: u32,
    n: u32,
    trans_a: u32,
    trans_b: u32,
    accumulate: u32,
    off_a: u32,
    off_b: u32,
    off_c: u32,
    _pad0: u32,
    _pad1: u32,
    _pad2: u32,
}

@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;

const TILE: u32 = 64u;      // rows and columns of C per workgroup
const SLICE: u32 = 16u;     // K per staged slice
const BLOCK: u32 = 4u;      // rows and columns of C per invocation

// Staged slices as vectors of 4, so that the inner loop reads one vector of A and one of B per k.
var<workgroup> tile_a: array<vec4f, 256>;  // [SLICE][TILE / 4]: 4 consecutive rows of op(A) at one k
var<workgroup> tile_b: array<vec4f, 256>;  // [SLICE][TILE / 4]: 4 consecutive columns of op(B) at one k

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
        for (var kk = 0u; kk < SLICE; kk++) {
            let av = tile_a[kk * 16u + local.y];
            let bv = tile_b[kk * 16u + local.x];
            acc[0] = fma(vec4f(av.x), bv, acc[0]);
            acc[1] = fma(vec4f(av.y), bv, acc[1]);
            acc[2] = fma(vec4f(av.z), bv, acc[2]);
            acc[3] = fma(vec4f(av.w), bv, acc[3]);
        }
        workgroupBarrier();
    }

    for (var r = 0u; r < BLOCK; r++) {
        let row = row0 + local.y * BLOCK + r;
        for (var q = 0u; q < BLOCK; q++) {
            let col = col0 + local.x * BLOCK + q;
            if (row < dims.m && col < dims.n) {
                let i = dims.off_c + row * dims.n + col;
                var prior = 0.0;
                if (dims.accumulate == 1u) { prior = c[i]; }
                c[i] = prior + acc[r][q];
            }
        }
    }
}
