// C[M, N] = A[M, K] · B[K, N], row-major f32.
// Each 16×16 workgroup computes a 64×64 tile of C, each invocation a 4×4 block of it in registers.
// The K dimension is walked in slices of 16: a 64×16 slice of A and a 16×64 slice of B are staged
// in workgroup memory, then every invocation multiplies its 4 rows of A by its 4 columns of B.

struct Dims {
    m: u32,
    k: u32,
    n: u32,
    _pad: u32,
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
            let ar = row0 + e / SLICE;
            let ak = k0 + e % SLICE;
            var av = 0.0;
            if (ar < dims.m && ak < dims.k) { av = a[ar * dims.k + ak]; }
            tile_a[e] = av;
            let bk = k0 + e / TILE;
            let bc = col0 + e % TILE;
            var bv = 0.0;
            if (bk < dims.k && bc < dims.n) { bv = b[bk * dims.n + bc]; }
            tile_b[e] = bv;
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
            if (row < dims.m && col < dims.n) { c[row * dims.n + col] = acc[r][q]; }
        }
    }
}
