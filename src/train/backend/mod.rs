//! The backend interface that the training step is written over once (engine/): buffers, and op
//! families that record launches over them. The plain-loop CPU backend (cpu.rs) is the reference;
//! the WebGPU backend (gpu.rs) runs the WGSL kernels of kernels/gpu/. A program is recorded once per phase and
//! run once per step, so a step only writes buffers and runs launches.
//! Shape letters: B = rows of the batch, W = a row's width; `n` counts values.

pub mod convolutions;
pub mod cpu;
#[cfg(feature = "gpu")]
pub mod gpu;

use crate::error::Result;
use crate::kernels::matmul::Operand;
use crate::model::corrupt::Noise;
use crate::model::layers::{Activation, Loss};
use crate::model::net::Dense;
use crate::model::optim::Optimizer;
use crate::rng::Stream;
use std::future::Future;

pub use convolutions::Convolutions;

/// A matmul operand or result: a buffer from an element offset, read as stored or transposed.
pub struct View<'a, Buffer> {
    pub buffer: &'a Buffer,
    pub offset: usize,
    pub op: Operand,
}

impl<'a, Buffer> View<'a, Buffer> {
    pub fn whole(buffer: &'a Buffer) -> Self {
        View { buffer, offset: 0, op: Operand::Plain }
    }
    pub fn at(buffer: &'a Buffer, offset: usize, op: Operand) -> Self {
        View { buffer, offset, op }
    }
}

/// What a recorded program takes from one step to the next besides its buffers' contents.
#[derive(Clone, Copy, Debug, Default)]
pub struct StepValues {
    /// The stream this step's corruption draws from (none: the input passes unchanged).
    pub corrupt: Option<Stream>,
    /// The optimizer's step count after this step (Adam's bias correction).
    pub t: u32,
    /// This step's learning rate (the optimizer's, times its schedule's factor).
    pub learning_rate: f32,
    /// The stream an RBM's Gibbs sampling draws from (`sample_units`' `draw` picks a substream).
    pub sample: Option<Stream>,
}

/// A reconstruction's loss sums hold one partial sum per this many values (their total is the loss).
pub const LOSS_SUM_SPAN: usize = 256;

/// Launches recorded in order.
pub type Program<B> = Vec<<B as Memory>::Launch>;

/// Buffers on a backend, and running what its ops recorded.
pub trait Memory {
    type Buffer;
    type Launch;

    /// Refuses, with a message naming `label`, a buffer of `len` values larger than this backend holds.
    fn check_fits(&self, label: &'static str, len: usize) -> Result<()>;

    /// A buffer of `len` zeros; the error says when it is larger than this backend can hold.
    fn zeros(&self, label: &'static str, len: usize) -> Result<Self::Buffer>;

    fn upload(&self, label: &'static str, values: &[f32]) -> Result<Self::Buffer>;

    fn write(&self, buffer: &Self::Buffer, values: &[f32]);

    /// The first `len` values, once the steps run so far have finished (never blocking a browser).
    fn read(&self, buffer: &Self::Buffer, len: usize) -> impl Future<Output = Result<Vec<f32>>> + 'static + use<Self>;

    /// Frees the memory now (on the web, dropping a GPU buffer leaves it to the garbage collector).
    fn free(&self, buffer: &Self::Buffer);

    // ----- matmul -----

    /// Zeroes `zero`, then runs the programs' launches in order with this step's values.
    fn run(&self, zero: &Self::Buffer, programs: &[&Program<Self>], step: StepValues) -> Result<()>;
}

/// The op families a training step is made of. Each op records one or more launches
/// into a program; nothing runs until `run`. Every op documents its formula once, here.
#[allow(clippy::too_many_arguments)]
pub trait Backend: Memory + Convolutions {
    // ----- memory -----

    /// c[M, N] = op(a)[M, K]·op(b)[K, N], or c += … when `accumulate`; shape = (M, K, N).
    fn matmul(
        &self,
        p: &mut Program<Self>,
        c: View<Self::Buffer>,
        a: View<Self::Buffer>,
        b: View<Self::Buffer>,
        shape: (usize, usize, usize),
        accumulate: bool,
    ) -> Result<()>;

    // ----- activations -----

    /// A layer's output from its product z [B, W]: z += bias (W values of `params` from `bias`),
    /// y = act(z).
    fn bias_activation(
        &self,
        p: &mut Program<Self>,
        y: &Self::Buffer,
        z: &Self::Buffer,
        params: &Self::Buffer,
        bias: (usize, usize, Activation),
        rows: usize,
    ) -> Result<()>;
    /// d ← d · f'(z) over n values, f' written in the output y = f(z).
    fn activation_backward(
        &self,
        p: &mut Program<Self>,
        d: &Self::Buffer,
        y: &Self::Buffer,
        act: Activation,
        n: usize,
    ) -> Result<()>;

    /// sum[offset + j] += Σ_r d[r, j] over d [B, W] (a bias gradient).
    fn column_sum(
        &self,
        p: &mut Program<Self>,
        sum: View<Self::Buffer>,
        d: &Self::Buffer,
        rows: usize,
        width: usize,
    ) -> Result<()>;

    /// activation_backward over d [rows, width], then its column sums into `bias` (a bias gradient):
    /// one pass where a backend can (the GPU's one dispatch; each column read once).
    #[allow(clippy::too_many_arguments)]
    fn activation_and_bias_backward(
        &self,
        p: &mut Program<Self>,
        d: &Self::Buffer,
        y: &Self::Buffer,
        act: Activation,
        bias: View<Self::Buffer>,
        rows: usize,
        width: usize,
    ) -> Result<()> {
        self.activation_backward(p, d, y, act, rows * width)?;
        self.column_sum(p, bias, d, rows, width)
    }

    // ----- losses -----

    /// Loss partial sums (see `LOSS_SUM_SPAN`) of y [B, W] against target, and the gradient the
    /// backward pass starts from: squared error Σ(y − t)², d = 2(y − t)/B; cross-entropy from the
    /// logits z, Σ softplus(z) − t·z, d = ∂L/∂z = (y − t)/B.
    fn reconstruction_loss(
        &self,
        p: &mut Program<Self>,
        sums: &Self::Buffer,
        d: &Self::Buffer,
        y: &Self::Buffer,
        z: &Self::Buffer,
        target: &Self::Buffer,
        loss: Loss,
        rows: usize,
        width: usize,
    ) -> Result<()>;
    /// Softmax cross-entropy of logits [B, K] against labels (stored as f32): each row's loss into
    /// sums[r] (or their total into sums[0]), d = (softmax − onehot)/B.
    fn softmax_cross_entropy(
        &self,
        p: &mut Program<Self>,
        sums: &Self::Buffer,
        d: &Self::Buffer,
        logits: &Self::Buffer,
        labels: &Self::Buffer,
        rows: usize,
        classes: usize,
    ) -> Result<()>;

    // ----- code ops and their penalties -----

    /// out [B, W] keeps each row's k largest values of inp; `mask` may keep which (1) for the backward.
    fn k_sparse_forward(
        &self,
        p: &mut Program<Self>,
        out: &Self::Buffer,
        inp: &Self::Buffer,
        mask: &Self::Buffer,
        rows: usize,
        width: usize,
        k: usize,
    ) -> Result<()>;
    /// dinp = dout on the kept units, 0 elsewhere (from the forward's `mask`, or its input `inp`).
    fn k_sparse_backward(
        &self,
        p: &mut Program<Self>,
        dinp: &Self::Buffer,
        dout: &Self::Buffer,
        inp: &Self::Buffer,
        mask: &Self::Buffer,
        rows: usize,
        width: usize,
        k: usize,
    ) -> Result<()>;
    /// z [B, C] = μ + exp(½ ln σ²)·ε from heads [B, 2C] = (μ | ln σ²) and ε [B, C].
    fn reparameterize_forward(
        &self,
        p: &mut Program<Self>,
        z: &Self::Buffer,
        heads: &Self::Buffer,
        eps: &Self::Buffer,
        rows: usize,
        code: usize,
    ) -> Result<()>;
    /// dheads from dz, plus the gradient of β·KL(N(μ, σ²) ‖ N(0, I)) averaged over the batch.
    fn reparameterize_backward(
        &self,
        p: &mut Program<Self>,
        dheads: &Self::Buffer,
        dz: &Self::Buffer,
        heads: &Self::Buffer,
        eps: &Self::Buffer,
        beta: f64,
        rows: usize,
        code: usize,
    ) -> Result<()>;
    /// d += (λ/B)·sign(h) over h [B, W].
    fn l1(
        &self,
        p: &mut Program<Self>,
        d: &Self::Buffer,
        h: &Self::Buffer,
        lambda: f64,
        rows: usize,
        width: usize,
    ) -> Result<()>;
    /// d += (β/B)·(−ρ/ρ̂_j + (1−ρ)/(1−ρ̂_j)), ρ̂ the code's mean activation (kept in `mean` [W]).
    fn kl_sparsity(
        &self,
        p: &mut Program<Self>,
        d: &Self::Buffer,
        h: &Self::Buffer,
        mean: &Self::Buffer,
        rho: f64,
        beta: f64,
        rows: usize,
        width: usize,
    ) -> Result<()>;
    /// The contractive penalty (λ/B)·Σ_b ‖∂h_b/∂x_b‖²_F of the dense code layer `d`, h = f(z):
    /// its gradient into dz [B, OC] (already ∂L/∂z) and into `grads` at the layer's weight, with
    /// `scratch` two buffers of OC values.
    fn contractive(
        &self,
        p: &mut Program<Self>,
        dz: &Self::Buffer,
        grads: &Self::Buffer,
        params: &Self::Buffer,
        h: &Self::Buffer,
        scratch: [&Self::Buffer; 2],
        d: &Dense,
        lambda: f64,
        rows: usize,
    ) -> Result<()>;

    // ----- randomness -----

    /// x = clean corrupted by `noise` (masking, then salt-and-pepper, then Gaussian), drawn from the
    /// step's `StepValues::corrupt` stream at each value's index: the same numbers on every backend.
    fn corrupt(
        &self,
        p: &mut Program<Self>,
        x: &Self::Buffer,
        clean: &Self::Buffer,
        noise: Noise,
        n: usize,
    ) -> Result<()>;

    /// out = a sample of the units whose means are `mean` (n values): binary units of `act` sigmoid
    /// are 1 where u < mean, u uniform; linear (Gaussian) units are mean + N(0, 1). The draws are value
    /// i of substream `draw` of the step's `StepValues::sample` stream (none: out = mean).
    fn sample_units(
        &self,
        p: &mut Program<Self>,
        out: &Self::Buffer,
        mean: &Self::Buffer,
        act: Activation,
        draw: u32,
        n: usize,
    ) -> Result<()>;
    /// out[offset + i] = scale·inp[i] over n values.
    fn scaled_copy(
        &self,
        p: &mut Program<Self>,
        out: View<Self::Buffer>,
        inp: &Self::Buffer,
        scale: f64,
        n: usize,
    ) -> Result<()>;

    // ----- optimizer -----

    /// One update of `optimizer`'s kind and settings over n parameters (see optim.rs), at the step
    /// count `StepValues::t` and the rate `StepValues::learning_rate`; m and v are its moments (v
    /// unused by SGD).
    fn optimizer_update(
        &self,
        p: &mut Program<Self>,
        params: &Self::Buffer,
        grads: &Self::Buffer,
        m: &Self::Buffer,
        v: &Self::Buffer,
        optimizer: &Optimizer,
        n: usize,
    ) -> Result<()>;

    // ----- running -----
}
