// The elementwise and reduction kernels of a dense layer's training step, and the optimizers, over
// flat f32 buffers. Each mirrors a CPU function in layers.rs or optim.rs (named beside it) with the
// same formulas. One uniform layout serves every launch; each entry point reads the fields it needs.
// The constants shared with Rust come first, written by elementwise.rs: WORKGROUP (the invocations of
// a workgroup, and the values each loss sum covers: LOSS_SUM_SPAN) and LEAK (leaky ReLU's slope).

struct Params {
    n: u32,        // elements to process
    width: u32,    // row width: bias length, columns to sum
    rows: u32,     // rows to sum
    act: u32,      // activation: 0 sigmoid, 1 tanh, 2 relu, 3 leaky relu, 4 linear; loss: 0 squared error, 1 cross-entropy
    off: u32,      // element offset of the view into `a` (a bias or gradient slice of the flat buffer)
    draw: u32,     // sample_units: the substream drawn from (its key is keys.x; k = 0: no stream)
    _pad1: u32,
    _pad2: u32,
    scale: f32,    // loss gradient scale
    lr: f32,
    beta1: f32,
    beta2: f32,
    eps: f32,
    c1: f32,       // Adam's bias corrections 1 − β1ᵗ and 1 − β2ᵗ
    c2: f32,
    decay: f32,
    momentum: f32,
    rho: f32,      // KL sparsity's target rate
    k: u32,        // units a k-sparse code keeps
    _pad5: f32,
    keys: vec4u,   // corruption: the step's stream keys for masking, salt, pepper, Gaussian (rng.rs)
    masking: f32,
    salt_pepper: f32,
    gaussian: f32,
    _pad6: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> a: array<f32>;
@group(0) @binding(2) var<storage, read_write> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;
@group(0) @binding(4) var<storage, read_write> d: array<f32>;


fn activate(z: f32) -> f32 {
    switch p.act {
        case 0u: { return 1.0 / (1.0 + exp(-z)); }
        case 1u: { return tanh(z); }
        case 2u: { return max(z, 0.0); }
        case 3u: { return select(LEAK * z, z, z > 0.0); }
        default: { return z; }
    }
}

// f'(z) written in y = f(z) (Activation::slope).
fn slope(y: f32) -> f32 {
    switch p.act {
        case 0u: { return y * (1.0 - y); }
        case 1u: { return 1.0 - y * y; }
        case 2u: { return select(0.0, 1.0, y > 0.0); }
        case 3u: { return select(LEAK, 1.0, y > 0.0); }
        default: { return 1.0; }
    }
}

// layers::add_bias and Activation::forward: z[i] += bias[i % width] (bias = a at off); y = f(z).
// Bindings: a = parameters, b = z, c = y.
@compute @workgroup_size(WORKGROUP)
fn bias_activation(@builtin(global_invocation_id) id: vec3u) {
    let i = id.x;
    if (i >= p.n) { return; }
    let z = b[i] + a[p.off + i % p.width];
    b[i] = z;
    c[i] = activate(z);
}

// Activation::backward: d ← d · f'(z), from y. Bindings: a = d, b = y.
@compute @workgroup_size(WORKGROUP)
fn activation_backward(@builtin(global_invocation_id) id: vec3u) {
    let i = id.x;
    if (i >= p.n) { return; }
    a[i] = a[i] * slope(b[i]);
}

// layers::bias_backward: dbias[j] += Σ_rows d[r, j]. Bindings: a = gradients (dbias at off), b = d.
@compute @workgroup_size(WORKGROUP)
fn column_sum(@builtin(global_invocation_id) id: vec3u) {
    let j = id.x;
    if (j >= p.width) { return; }
    var sum = 0.0;
    for (var r = 0u; r < p.rows; r++) { sum += b[r * p.width + j]; }
    a[p.off + j] += sum;
}

// Activation::backward then layers::bias_backward, one column an invocation: d[r, j] ← d[r, j] · f'(y[r, j])
// over the rows, and dbias[j] += Σ_r of the new d[r, j]. Bindings: a = gradients (dbias at off), b = d, c = y.
@compute @workgroup_size(WORKGROUP)
fn activation_bias_backward(@builtin(global_invocation_id) id: vec3u) {
    let j = id.x;
    if (j >= p.width) { return; }
    var sum = 0.0;
    for (var r = 0u; r < p.rows; r++) {
        let i = r * p.width + j;
        let v = b[i] * slope(c[i]);
        b[i] = v;
        sum += v;
    }
    a[p.off + j] += sum;
}

var<workgroup> partial: array<f32, WORKGROUP>;

// layers::loss_forward's sum, per workgroup, and layers::loss_backward's gradient, in one pass. Squared
// error (act 0): Σ (y − t)², d = scale · (y − t). Cross-entropy (act 1) from the logits z: Σ softplus(z)
// − t·z, d = scale · (σ(z) − t), σ(z) as `activate` computes it (so y as the forward pass stored it).
// Bindings: a = sums (one per workgroup), b = y (or logits z for cross-entropy), c = target, d = gradient.
@compute @workgroup_size(WORKGROUP)
fn loss(@builtin(global_invocation_id) id: vec3u, @builtin(local_invocation_id) local: vec3u, @builtin(workgroup_id) group: vec3u) {
    let i = id.x;
    var v = 0.0;
    if (i < p.n) {
        let y = b[i];
        let t = c[i];
        if (p.act == 0u) {
            v = (y - t) * (y - t);
            d[i] = p.scale * (y - t);
        } else {
            v = max(y, 0.0) + log(1.0 + exp(-abs(y))) - t * y;
            d[i] = p.scale * (1.0 / (1.0 + exp(-y)) - t);
        }
    }
    partial[local.x] = v;
    workgroupBarrier();
    for (var stride = WORKGROUP / 2u; stride > 0u; stride >>= 1u) { // WORKGROUP is a power of 2
        if (local.x < stride) { partial[local.x] += partial[local.x + stride]; }
        workgroupBarrier();
    }
    if (local.x == 0u) { a[group.x] = partial[0]; }
}

// Optimizer::apply, Adam: g = grad + decay·p; m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²;
// p ← p − lr/c1 · m/(√(v/c2) + ε). Bindings: a = params, b = grads, c = m, d = v.
@compute @workgroup_size(WORKGROUP)
fn adam(@builtin(global_invocation_id) id: vec3u) {
    let i = id.x;
    if (i >= p.n) { return; }
    let g = b[i] + p.decay * a[i];
    let m = p.beta1 * c[i] + (1.0 - p.beta1) * g;
    let v = p.beta2 * d[i] + (1.0 - p.beta2) * g * g;
    c[i] = m;
    d[i] = v;
    a[i] = a[i] - p.lr / p.c1 * m / (sqrt(v / p.c2) + p.eps);
}

// Optimizer::apply, SGD with momentum: m ← μ·m + g + decay·p; p ← p − lr·m. Bindings: a = params,
// b = grads, c = m.
@compute @workgroup_size(WORKGROUP)
fn sgd(@builtin(global_invocation_id) id: vec3u) {
    let i = id.x;
    if (i >= p.n) { return; }
    let m = p.momentum * c[i] + b[i] + p.decay * a[i];
    c[i] = m;
    a[i] = a[i] - p.lr * m;
}

// penalties::l1's gradient: d += scale · sign(h), scale = λ/B. Bindings: a = d, b = h.
@compute @workgroup_size(WORKGROUP)
fn l1_gradient(@builtin(global_invocation_id) id: vec3u) {
    let i = id.x;
    if (i >= p.n) { return; }
    a[i] += p.scale * sign(b[i]);
}

// penalties::mean_activation: ρ̂_j = Σ_rows h[r, j] / rows, kept inside (0, 1). Bindings: a = ρ̂, b = h.
@compute @workgroup_size(WORKGROUP)
fn column_mean(@builtin(global_invocation_id) id: vec3u) {
    let j = id.x;
    if (j >= p.width) { return; }
    var sum = 0.0;
    for (var r = 0u; r < p.rows; r++) { sum += b[r * p.width + j]; }
    a[j] = clamp(sum / f32(p.rows), 1e-6, 1.0 - 1e-6);
}

// penalties::kl_sparsity's gradient: d[r, j] += scale · (−ρ/ρ̂_j + (1−ρ)/(1−ρ̂_j)), scale = β/B.
// Bindings: a = d, b = ρ̂.
@compute @workgroup_size(WORKGROUP)
fn kl_gradient(@builtin(global_invocation_id) id: vec3u) {
    let i = id.x;
    if (i >= p.n) { return; }
    let m = b[i % p.width];
    a[i] += p.scale * (-p.rho / m + (1.0 - p.rho) / (1.0 - m));
}

// penalties::k_sparse_forward: each row keeps its k largest values (ties to the lower index), one
// invocation per row. Bindings: a = out, b = in, c = mask (1 kept, 0 dropped).
@compute @workgroup_size(WORKGROUP)
fn k_sparse_forward(@builtin(global_invocation_id) id: vec3u) {
    let r = id.x;
    if (r >= p.rows) { return; }
    let base = r * p.width;
    for (var j = 0u; j < p.width; j++) { c[base + j] = 0.0; }
    for (var t = 0u; t < p.k; t++) {
        var best = 0u;
        var found = false;
        for (var j = 0u; j < p.width; j++) {
            if (c[base + j] == 0.0 && (!found || b[base + j] > b[base + best])) { best = j; found = true; }
        }
        c[base + best] = 1.0;
    }
    for (var j = 0u; j < p.width; j++) { a[base + j] = b[base + j] * c[base + j]; }
}

// penalties::k_sparse_backward: the gradient passes the kept units only. Bindings: a = dinp, b = dout, c = mask.
@compute @workgroup_size(WORKGROUP)
fn k_sparse_backward(@builtin(global_invocation_id) id: vec3u) {
    let i = id.x;
    if (i >= p.n) { return; }
    a[i] = b[i] * c[i];
}

// penalties::reparameterize_forward: z = μ + exp(½ ln σ²)·ε, rows of inp being (μ | ln σ²), C = width.
// Bindings: a = z [B, C], b = inp [B, 2C], c = ε [B, C].
@compute @workgroup_size(WORKGROUP)
fn reparam_forward(@builtin(global_invocation_id) id: vec3u) {
    let i = id.x;
    if (i >= p.n) { return; }
    let r = i / p.width;
    let j = i % p.width;
    let row = r * 2u * p.width;
    a[i] = b[row + j] + exp(0.5 * b[row + p.width + j]) * c[i];
}

// penalties::reparameterize_backward plus penalties::vae_kl's gradient (scale = β/B):
// ∂/∂μ = dz + scale·μ;  ∂/∂ln σ² = dz·ε·½exp(½ ln σ²) + scale·½(σ² − 1).
// Bindings: a = dinp [B, 2C], b = dz [B, C], c = inp [B, 2C], d = ε [B, C].
@compute @workgroup_size(WORKGROUP)
fn reparam_backward(@builtin(global_invocation_id) id: vec3u) {
    let i = id.x;
    if (i >= p.n) { return; }
    let r = i / p.width;
    let j = i % p.width;
    let row = r * 2u * p.width;
    let mu = c[row + j];
    let lv = c[row + p.width + j];
    a[row + j] = b[i] + p.scale * mu;
    a[row + p.width + j] = b[i] * d[i] * 0.5 * exp(0.5 * lv) + p.scale * 0.5 * (exp(lv) - 1.0);
}

// f''(z) written in y (Activation::curvature): σ'' = σ'(1 − 2σ), tanh'' = −2·tanh·tanh'; else 0.
fn curvature(y: f32) -> f32 {
    switch p.act {
        case 0u: { return y * (1.0 - y) * (1.0 - 2.0 * y); }
        case 1u: { return -2.0 * y * (1.0 - y * y); }
        default: { return 0.0; }
    }
}

// penalties::contractive, the per-unit sums: S_j = Σ_i W_ij² (W [I, C] at off in a) and
// G_j = Σ_rows f'(z_rj)² (from y in b). Bindings: a = params, b = y, c = S, d = G.
@compute @workgroup_size(WORKGROUP)
fn contractive_sums(@builtin(global_invocation_id) id: vec3u) {
    let j = id.x;
    if (j >= p.width) { return; }
    var s = 0.0;
    for (var i = 0u; i < p.n; i++) { let w = a[p.off + i * p.width + j]; s += w * w; }
    var g = 0.0;
    for (var r = 0u; r < p.rows; r++) { let f = slope(b[r * p.width + j]); g += f * f; }
    c[j] = s;
    d[j] = g;
}

// penalties::contractive's gradients (scale = λ/B): ∂/∂z_rj += scale·S_j·2 f'(z) f''(z) into the
// code layer's d (a), from y (b) and S (c).
@compute @workgroup_size(WORKGROUP)
fn contractive_dz(@builtin(global_invocation_id) id: vec3u) {
    let i = id.x;
    if (i >= p.n) { return; }
    let y = b[i];
    a[i] += p.scale * c[i % p.width] * 2.0 * slope(y) * curvature(y);
}

// ... and the direct weight gradient ∂/∂W_ij += scale·G_j·2 W_ij (a = grads, b = params, both at off;
// c = G; n = I·C).
@compute @workgroup_size(WORKGROUP)
fn contractive_dw(@builtin(global_invocation_id) id: vec3u) {
    let i = id.x;
    if (i >= p.n) { return; }
    a[p.off + i] += p.scale * c[i % p.width] * 2.0 * b[p.off + i];
}

// rng.rs's pcg_hash, bit for bit (u32 wrapping arithmetic).
fn pcg_hash(input: u32) -> u32 {
    let state = input * 747796405u + 2891336453u;
    let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
    return (word >> 22u) ^ word;
}

// Stream::uniform: 24 random bits scaled into [0, 1), exact in f32.
fn draw_uniform(key: u32, index: u32) -> f32 {
    return f32(pcg_hash(key ^ pcg_hash(index)) >> 8u) * (1.0 / 16777216.0);
}

// Stream::normal: Box–Muller from draws 2i and 2i + 1.
fn draw_normal(key: u32, index: u32) -> f32 {
    let u1 = 1.0 - draw_uniform(key, index * 2u);
    let u2 = draw_uniform(key, index * 2u + 1u);
    return sqrt(-2.0 * log(u1)) * cos(6.2831855 * u2);
}

// rbm::sample: binary units (sigmoid means) are 1 where u < mean, linear (Gaussian) ones get N(0, 1)
// added, value i drawing index i of the stream keys.x; without a stream (k = 0) the means pass.
// Bindings: a = out, b = mean.
@compute @workgroup_size(WORKGROUP)
fn sample_units(@builtin(global_invocation_id) id: vec3u) {
    let i = id.x;
    if (i >= p.n) { return; }
    if (p.k == 0u) { a[i] = b[i]; return; }
    if (p.act == 4u) {
        a[i] = b[i] + draw_normal(p.keys.x, i);
    } else {
        a[i] = select(0.0, 1.0, draw_uniform(p.keys.x, i) < b[i]);
    }
}

// Backend::scaled_copy: a[off + i] = scale · b[i]. Bindings: a = out, b = inp.
@compute @workgroup_size(WORKGROUP)
fn scaled_copy(@builtin(global_invocation_id) id: vec3u) {
    let i = id.x;
    if (i >= p.n) { return; }
    a[p.off + i] = p.scale * b[i];
}

// Noise::apply: masking, then salt-and-pepper, then Gaussian noise, each value's draws taken at its
// index in the batch from the step's streams — the same numbers the CPU draws. Bindings: a = x (out),
// b = the clean batch.
@compute @workgroup_size(WORKGROUP)
fn corrupt(@builtin(global_invocation_id) id: vec3u) {
    let i = id.x;
    if (i >= p.n) { return; }
    var v = b[i];
    if (p.masking > 0.0 && draw_uniform(p.keys.x, i) < p.masking) { v = 0.0; }
    if (p.salt_pepper > 0.0 && draw_uniform(p.keys.y, i) < p.salt_pepper) { v = select(1.0, 0.0, draw_uniform(p.keys.z, i) < 0.5); }
    if (p.gaussian > 0.0) { v += p.gaussian * draw_normal(p.keys.w, i); }
    a[i] = v;
}

// layers::softmax_cross_entropy, one invocation per row r (K = width classes, scale = 1/B):
// loss_r = ln Σ_j exp(z_j − max) + max − z_label;  d_j = scale·(softmax_j − [j = label]).
// Bindings: a = d, b = logits, c = labels (as f32), d = per-row losses.
@compute @workgroup_size(WORKGROUP)
fn softmax_xent(@builtin(global_invocation_id) id: vec3u) {
    let r = id.x;
    if (r >= p.rows) { return; }
    let base = r * p.width;
    let label = u32(c[r]);
    var top = b[base];
    for (var j = 1u; j < p.width; j++) { top = max(top, b[base + j]); }
    var sum = 0.0;
    for (var j = 0u; j < p.width; j++) { sum += exp(b[base + j] - top); }
    for (var j = 0u; j < p.width; j++) {
        a[base + j] = p.scale * (exp(b[base + j] - top) / sum - select(0.0, 1.0, j == label));
    }
    d[r] = log(sum) + top - b[base + label];
}
