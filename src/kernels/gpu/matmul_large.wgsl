// The large-tile matmul (matmul_common.wgsl holds the shapes and layouts), for products big enough to
// fill the GPU with 128×128 tiles: more multiply-adds per value read from workgroup memory. Compiled
// with one of two ways to fetch a slice: matmul_large_scalar.wgsl (any shape) or
// matmul_large_vector.wgsl (vectors of 4, for shapes and offsets that are multiples of 4), and after
// one line from the Rust side, `const ROW: u32 = 32u;` or `33u;`, that picks how slices are staged.
// Each 16×16 workgroup computes a 128×128 tile of C, each invocation an 8×8 block of it in registers:
// rows 4·y..4·y+3 and 64+4·y..64+4·y+3, columns likewise from x, so that neighbouring invocations
// read neighbouring vectors. K is walked in slices of 16, staged in workgroup memory as vectors of 4.
// The choices here were measured; the figures, and the variants that lost, are in benches/results/.

const TILE: u32 = 128u;     // rows and columns of C per workgroup
const SLICE: u32 = 16u;     // K per staged slice

// [SLICE][ROW]: the 32 vectors of 4 consecutive rows of op(A) (columns of op(B)) at one k. Staged
// rows are kept out of each other's memory banks one of two ways, as the device allows:
// - ROW = 32: 16 KiB together, WebGPU's default limit. The vector for rows 4·i.. at k sits at column
//   i ^ (k % 8) of row k (without the swizzle, the 16 k of a row that neighbouring invocations
//   store would all fall in one bank).
// - ROW = 33: each row padded by one vector, 16.5 KiB, for devices that grant more (faster where
//   measured).
var<workgroup> tile_a: array<vec4f, SLICE * ROW>;
var<workgroup> tile_b: array<vec4f, SLICE * ROW>;

fn staged(k: u32, column: u32) -> u32 {
    if (ROW == TILE / 4u) { return k * ROW + (column ^ (k % 8u)); }
    return k * ROW + column;
}

// What one invocation fetches of a slice before staging it (matmul_large_scalar.wgsl and
// matmul_large_vector.wgsl each say which values): all of it is loaded before any of it is stored.
struct Fetched {
    a0: vec4f,
    a1: vec4f,
    b0: vec4f,
    b1: vec4f,
}

// The hot paths are written without loops: a loop's counter and the bound that WebGPU adds to every
// loop could keep the compiler from unrolling it, and values indexed by a loop counter would then
// spill from registers to memory.

// The 8×8 block's multiply-adds for one k of the staged slices: four vector reads, 64 multiply-adds.
// acc[2·r + h]: block row r (0..3 from 4·y, 4..7 from 64 + 4·y), columns of half h.
fn multiply_add(acc: ptr<function, array<vec4f, 16>>, kk: u32, local: vec3u) {
    let a0 = tile_a[staged(kk, local.y)];
    let a1 = tile_a[staged(kk, 16u + local.y)];
    let b0 = tile_b[staged(kk, local.x)];
    let b1 = tile_b[staged(kk, 16u + local.x)];
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
        stage_slice(t, fetch_slice(t, row0, col0, k0));
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
