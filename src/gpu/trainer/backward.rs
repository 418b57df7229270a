//! Recording the backward pass, last op first: the code's penalty gradients (L1, KL sparsity, the
//! contractive term), activation backward, weight and bias gradients, and the gradient of each op's
//! input, alternating between the two gradient buffers.

use super::{Launched, Recorder};
use crate::error::Result;
use crate::gpu::elementwise::{act_code, Entry, Params};
use crate::gpu::matmul::View;
use crate::layers::WeightLayout;
use crate::matmul::Op;
use crate::net::{Dense, Op as NetOp};

impl<'a> Recorder<'a> {
    /// `logits`: the loss gradient is already ∂L/∂z of the output layer (cross-entropy on logits).
    pub(super) fn backward(&mut self, logits: bool) -> Result<()> {
        let (phase, bufs) = (self.phase, self.bufs);
        let (net, b) = (&phase.net, phase.batch_size);
        let last = net.ops.len() - 1;
        for (i, op) in net.ops.iter().enumerate().rev() {
            let (cur, next) =
                if (last - i).is_multiple_of(2) { (&bufs.ds[0], &bufs.ds[1]) } else { (&bufs.ds[1], &bufs.ds[0]) };
            let n = b * op.output_width();
            if phase.code == Some(i) {
                self.sparsity(i, cur)?;
            }
            match op {
                NetOp::Dense(d) => self.dense(i, d, cur, next, !(i == last && logits))?,
                NetOp::KSparse { .. } => {
                    let p = Params { n: n as u32, ..Params::default() };
                    self.ew(Entry::KSparseBackward, p, &[next, cur, &bufs.masks[i]], n)?;
                }
                NetOp::Reparameterize { code } => {
                    let scale = (phase.penalties.vae_beta / b as f64) as f32;
                    let p = Params { n: n as u32, width: *code as u32, scale, ..Params::default() };
                    self.ew(Entry::ReparamBackward, p, &[next, cur, self.input_of(i), &bufs.eps], n)?;
                }
            }
        }
        Ok(())
    }

    /// Sparsity penalties on the code (op `i`) add their gradient to ∂L/∂code in `cur`.
    fn sparsity(&mut self, i: usize, cur: &'a wgpu::Buffer) -> Result<()> {
        let (phase, bufs) = (self.phase, self.bufs);
        let (penalties, b) = (&phase.penalties, phase.batch_size);
        let width = phase.net.ops[i].output_width();
        let n = b * width;
        if penalties.l1 > 0.0 {
            let p = Params { n: n as u32, scale: (penalties.l1 / b as f64) as f32, ..Params::default() };
            self.ew(Entry::L1Gradient, p, &[cur, &bufs.outs[i]], n)?;
        }
        if let Some((rho, beta)) = penalties.kl {
            let p = Params { width: width as u32, rows: b as u32, ..Params::default() };
            self.ew(Entry::ColumnMean, p, &[&bufs.rho_hat, &bufs.outs[i]], width)?;
            let (scale, rho) = ((beta / b as f64) as f32, rho as f32);
            let p = Params { n: n as u32, width: width as u32, scale, rho, ..Params::default() };
            self.ew(Entry::KlGradient, p, &[cur, &bufs.rho_hat], n)?;
        }
        Ok(())
    }

    /// Dense op `i`: (contractive sums), activation backward unless `cur` already holds ∂L/∂z,
    /// (contractive gradients), dW, db, and dinp into `next` (not for the first op).
    fn dense(
        &mut self,
        i: usize,
        d: &Dense,
        cur: &'a wgpu::Buffer,
        next: &'a wgpu::Buffer,
        activation: bool,
    ) -> Result<()> {
        let (phase, bufs) = (self.phase, self.bufs);
        let b = phase.batch_size;
        let n = b * d.outputs;
        let act = act_code(d.activation);
        let contractive = phase.code == Some(i) && phase.penalties.contractive > 0.0;
        if contractive {
            // Sums from this step's weights and code, before activation backward changes `cur`.
            let (inputs, outputs, weight) = (d.inputs as u32, d.outputs as u32, d.weight as u32);
            let p = Params { n: inputs, width: outputs, rows: b as u32, act, off: weight, ..Params::default() };
            self.ew(Entry::ContractiveSums, p, &[&bufs.params, &bufs.outs[i], &bufs.col_s, &bufs.col_g], d.outputs)?;
        }
        if activation {
            let p = Params { n: n as u32, act, ..Params::default() };
            self.ew(Entry::ActivationBackward, p, &[cur, &bufs.outs[i]], n)?;
        }
        if contractive {
            let scale = (phase.penalties.contractive / b as f64) as f32;
            let p = Params { n: n as u32, width: d.outputs as u32, act, scale, ..Params::default() };
            self.ew(Entry::ContractiveDz, p, &[cur, &bufs.outs[i], &bufs.col_s], n)?;
            let nw = d.inputs * d.outputs;
            let p = Params { n: nw as u32, width: d.outputs as u32, off: d.weight as u32, scale, ..Params::default() };
            self.ew(Entry::ContractiveDw, p, &[&bufs.grads, &bufs.params, &bufs.col_g], nw)?;
        }
        let (inp, grad) = (self.input_of(i), View::at(&bufs.grads, d.weight, Op::Plain));
        let dw = match d.layout {
            // dW[C, OC] += inpᵀ·d
            WeightLayout::Own => {
                let shape = (d.inputs, b, d.outputs);
                self.matmul.product(self.ctx, grad, View::at(inp, 0, Op::Transposed), View::whole(cur), shape, true)
            }
            // a borrowed W is stored [OC, C]: dW += dᵀ·inp
            WeightLayout::TransposeOf => {
                let shape = (d.outputs, b, d.inputs);
                self.matmul.product(self.ctx, grad, View::at(cur, 0, Op::Transposed), View::whole(inp), shape, true)
            }
        };
        self.steps.push(Launched::Matmul(dw));
        let p = Params { width: d.outputs as u32, rows: b as u32, off: d.bias as u32, ..Params::default() };
        self.ew(Entry::ColumnSum, p, &[&bufs.grads, cur], d.outputs)?;
        if i > 0 {
            // dinp = d·Wᵀ: a transposed read of an own W [C, OC], a plain read of a borrowed [OC, C].
            let op = if d.layout == WeightLayout::Own { Op::Transposed } else { Op::Plain };
            let w = View::at(&bufs.params, d.weight, op);
            let product =
                self.matmul.product(self.ctx, View::whole(next), View::whole(cur), w, (b, d.outputs, d.inputs), false);
            self.steps.push(Launched::Matmul(product));
        }
        Ok(())
    }
}
