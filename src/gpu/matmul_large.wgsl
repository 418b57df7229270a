// The large-tile matmul (matmul_common.wgsl holds the operands and their layouts), for products big
// enough to fill the GPU with 128×128 tiles: more multiply-adds per value read from workgroup memory.
// Each 16×16 workgroup computes a 128×128 tile of C, each invocation an 8×8 block of it in registers:
// rows 4·y..4·y+3 and 64+4·y..64+4·y+3, columns likewise from x, so that neighbouring invocations
// read neighbouring vectors. K is walked in slices of 16, staged in workgroup memory as vectors of 4.
// (Holding the next slice in registers while multiplying this one was slower on an H100: the extra
// registers cost more occupancy than the overlap gained; benches/results/h100-2026-11-22.md.)

const TILE: u32 = 128u;     // rows and columns of C per workgroup
const SLICE: u32 = 16u;     // K per staged slice
const ROW: u32 = 32u;       // vectors per staged k
// Each invocation stages 8 values of each slice (TILE·SLICE / 256), the e-th at e = t + 256·j.

// [SLICE][ROW]: 4 consecutive rows of op(A) (columns of op(B)) at one k, 16 KiB together: WebGPU's
// default limit. The vector for rows 4·i.. at k sits at column i ^ (k % 8) of row k: without the
// swizzle, the 16 k of a row that neighbouring invocations store would all fall in one memory bank.
var<workgroup> tile_a: array<vec4f, 512>;
var<workgroup> tile_b: array<vec4f, 512>;

fn swizzled(k: u32, column: u32) -> u32 {
    return k * ROW + (column ^ (k % 8u));
}

// Where the e-th value an invocation group stages lies in a slice: (row or column, k). Neighbouring
// invocations take neighbouring addresses in memory: along k for a plain A or a transposed B, along
// the rows or columns otherwise.
fn slot(e: u32, along_k: bool) -> vec2u {
    if (along_k) { return vec2u(e / SLICE, e % SLICE); }
    return vec2u(e % TILE, e / TILE);
}

// The hot paths are written without loops: a loop's counter and the bound that WebGPU adds to every
// loop could keep the compiler from unrolling it, and values indexed by a loop counter would then
// spill from registers to memory. (Measured on an H100: the 64-tile kernel's k loop written out ran
// 14% faster with WebGPU's checks.)

// Values j0..j0+3 of the 8 that invocation t stages from the slice of op(A) at k0. All 16 loads of
// a slice are issued before any is stored (one at a time, each load waited for before its store, ran
// at 16.6 TFLOPS instead of 29.6 on an H100, with padded rows and no checks).
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
    tile_a[swizzled(s.y, s.x / 4u)][s.x % 4u] = value;
}

fn put_b(e: u32, value: f32) {
    let s = slot(e, dims.trans_b == 1u);
    tile_b[swizzled(s.y, s.x / 4u)][s.x % 4u] = value;
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

// The 8×8 block's multiply-adds for one k of the staged slices: four vector reads, 64 multiply-adds.
// acc[2·r + h]: block row r (0..3 from 4·y, 4..7 from 64 + 4·y), columns of half h.
fn multiply_add(acc: ptr<function, array<vec4f, 16>>, kk: u32, local: vec3u) {
    let a0 = tile_a[swizzled(kk, local.y)];
    let a1 = tile_a[swizzled(kk, 16u + local.y)];
    let b0 = tile_b[swizzled(kk, local.x)];
    let b1 = tile_b[swizzled(kk, 16u + local.x)];
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

// One row of the block: columns 4·x..4·x+3 from `left`, 64+4·x..64+4·x+3 from `right`.
fn store_row(row: u32, col: u32, left: vec4f, right: vec4f) {
    store4(row, col, left);
    store4(row, col + 64u, right);
}

@compute @workgroup_size(16, 16)
fn matmul(@builtin(local_invocation_id) local: vec3u, @builtin(workgroup_id) group: vec3u) {
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
