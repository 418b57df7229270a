// What the matmul kernels share (matmul.wgsl with matmul_scalar.wgsl; matmul_large.wgsl with its
// operands read as scalars, matmul_large_scalar.wgsl, or as vectors of 4, matmul_large_vector.wgsl):
// C[M, N] = op(A) · op(B) (+ C when accumulating), row-major f32, where op(A) is [M, K] (A stored
// [M, K], or [K, M] read transposed) and op(B) is [K, N] (B stored [K, N], or [N, K] transposed).
// Each matrix starts at an element offset into its buffer, so layers can be views of one flat buffer.

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
