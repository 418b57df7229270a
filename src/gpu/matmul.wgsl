// C[M, N] = op(A) · op(B) (+ C when accumulating), row-major f32, where op(A) is [M, K] (A stored
// [M, K], or [K, M] read transposed) and op(B) is [K, N] (B stored [K, N], or [N, K] transposed).
// Each matrix starts at an element offset into its buffer, so layers can be views of one flat buffer.
// Each 16×16 workgroup computes a 64×64 tile of C, each invocation a 4×4 block of it in registers.
// K is walked in slices of 16: a 64×16 slice of op(A) and a 16×64 slice of op(B) are staged in
// workgroup memory, then every invocation multiplies its 4 rows by its 4 columns.

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
const THREADS: u32 = 256u;  // 16 × 16 invocations

var<workgroup> tile_a: array<f32, 1024>;  // [TILE][SLICE]
var<workgroup> tile_b: array<f32, 1024>;  // [SLICE][TILE]

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
    var acc: array<array<f32, 4>, 4>;

    for (var k0 = 0u; k0 < dims.k; k0 += SLICE) {
        // Stage the slices: 1024 values each, 4 per invocation; zeros outside the matrices.
        for (var i = 0u; i < 4u; i++) {
            let e = thread + i * THREADS;
            tile_a[e] = load_a(row0 + e / SLICE, k0 + e % SLICE);
            tile_b[e] = load_b(k0 + e / TILE, col0 + e % TILE);
        }
        workgroupBarrier();
        for (var kk = 0u; kk < SLICE; kk++) {
            var ar: array<f32, 4>;
            var bc: array<f32, 4>;
            for (var r = 0u; r < BLOCK; r++) { ar[r] = tile_a[(local.y * BLOCK + r) * SLICE + kk]; }
            for (var q = 0u; q < BLOCK; q++) { bc[q] = tile_b[kk * TILE + local.x * BLOCK + q]; }
            for (var r = 0u; r < BLOCK; r++) {
                for (var q = 0u; q < BLOCK; q++) { acc[r][q] = fma(ar[r], bc[q], acc[r][q]); }
            }
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
