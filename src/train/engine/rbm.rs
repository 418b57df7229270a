//! Recording an RBM stage's update, contrastive divergence CD-k, over the backend interface (its
//! plain-loop twin is `Rbm::cd_gradient` in model/rbm.rs). The forward pass has already left
//! p(h|v0) in the encoder's output; the chain samples from it, then alternates v ~ p(v|h) and
//! p(h|v), and the gradient (v_k ⊗ p(h|v_k) − v0 ⊗ p(h|v0)) / B goes where backpropagation's would.

use super::buffers::Buffers;
use crate::error::Result;
use crate::kernels::matmul::Operand;
use crate::model::net::Dense;
use crate::train::backend::{Backend, Program, View};

/// The chain's buffers: samples, products and means of each side; both ends of the chain stacked
/// [v0; v_k] and scaled by ∓1/B for the gradient's products and sums.
pub(super) struct ChainBuffers<B: Backend> {
    hs: B::Buffer,
    zh: B::Buffer,
    hm: B::Buffer,
    zv: B::Buffer,
    vm: B::Buffer,
    vs: B::Buffer,
    ends: B::Buffer,
    ends_scaled: B::Buffer,
    hidden_scaled: B::Buffer,
}

impl<B: Backend> ChainBuffers<B> {
    /// Refuses, with a message, a chain larger than the backend holds.
    pub fn check(backend: &B, rows: usize, visible: usize, hidden: usize) -> Result<()> {
        for n in [2 * rows * visible, 2 * rows * hidden] {
            backend.check_fits("the RBM's chain", n)?;
        }
        Ok(())
    }

    pub fn new(backend: &B, rows: usize, visible: usize, hidden: usize) -> Result<Self> {
        Self::check(backend, rows, visible, hidden)?;
        let zeros = |n| backend.zeros("the RBM's chain", n);
        Ok(ChainBuffers {
            hs: zeros(rows * hidden)?,
            zh: zeros(rows * hidden)?,
            hm: zeros(rows * hidden)?,
            zv: zeros(rows * visible)?,
            vm: zeros(rows * visible)?,
            vs: zeros(rows * visible)?,
            ends: zeros(2 * rows * visible)?,
            ends_scaled: zeros(2 * rows * visible)?,
            hidden_scaled: zeros(2 * rows * hidden)?,
        })
    }

    pub fn free(&self, backend: &B) {
        for b in [&self.hs, &self.zh, &self.hm, &self.zv, &self.vm, &self.vs] {
            backend.free(b);
        }
        for b in [&self.ends, &self.ends_scaled, &self.hidden_scaled] {
            backend.free(b);
        }
    }
}

/// Records CD-k for the RBM whose encoder is `enc` (W [V, H], hidden bias) and whose tied decoder is
/// `dec` (visible bias), on the batch `v0` of `rows` rows; the gradient lands in `bufs.grads`.
#[allow(clippy::too_many_arguments)]
pub(super) fn record<B: Backend>(
    backend: &B,
    p: &mut Program<B>,
    bufs: &Buffers<B>,
    chain: &ChainBuffers<B>,
    (enc, dec): (&Dense, &Dense),
    v0: &B::Buffer,
    rows: usize,
    k: usize,
) -> Result<()> {
    let (nv, nh, c) = (enc.inputs, enc.outputs, chain);
    let (params, h0) = (&bufs.params, &bufs.outs[0]);
    let weight = |op| View::at(params, enc.weight, op);
    backend.sample_units(p, &c.hs, h0, enc.activation, 0, rows * nh)?;
    for i in 1..=k as u32 {
        backend.matmul(
            p,
            View::whole(&c.zv),
            View::whole(&c.hs),
            weight(Operand::Transposed),
            (rows, nh, nv),
            false,
        )?;
        backend.bias_activation(p, &c.vm, &c.zv, params, dec.bias_activation(), rows)?;
        backend.sample_units(p, &c.vs, &c.vm, dec.activation, 2 * i - 1, rows * nv)?;
        backend.matmul(p, View::whole(&c.zh), View::whole(&c.vs), weight(Operand::Plain), (rows, nv, nh), false)?;
        backend.bias_activation(p, &c.hm, &c.zh, params, enc.bias_activation(), rows)?;
        if i < k as u32 {
            backend.sample_units(p, &c.hs, &c.hm, enc.activation, 2 * i, rows * nh)?;
        }
    }
    let per_row = 1.0 / rows as f64;
    let (v_end, h_end) = (rows * nv, rows * nh);
    backend.scaled_copy(p, View::whole(&c.ends), v0, 1.0, v_end)?;
    backend.scaled_copy(p, View::at(&c.ends, v_end, Operand::Plain), &c.vs, 1.0, v_end)?;
    backend.scaled_copy(p, View::whole(&c.ends_scaled), v0, -per_row, v_end)?;
    backend.scaled_copy(p, View::at(&c.ends_scaled, v_end, Operand::Plain), &c.vs, per_row, v_end)?;
    backend.scaled_copy(p, View::whole(&c.hidden_scaled), h0, -per_row, h_end)?;
    backend.scaled_copy(p, View::at(&c.hidden_scaled, h_end, Operand::Plain), &c.hm, per_row, h_end)?;
    // ∂W [V, H] = [v0; v_k]ᵀ · [−h0/B; h_k/B]; the biases' are the scaled ends' column sums.
    let grad_w = View::at(&bufs.grads, enc.weight, Operand::Plain);
    let ends = View::at(&c.ends, 0, Operand::Transposed);
    backend.matmul(p, grad_w, ends, View::whole(&c.hidden_scaled), (nv, 2 * rows, nh), true)?;
    let grads = |at| View::at(&bufs.grads, at, Operand::Plain);
    backend.column_sum(p, grads(enc.bias), &c.hidden_scaled, 2 * rows, nh)?;
    backend.column_sum(p, grads(dec.bias), &c.ends_scaled, 2 * rows, nv)
}
