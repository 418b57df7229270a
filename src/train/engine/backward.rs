//! Recording the backward pass, last op first: the code's penalty gradients (L1, KL sparsity, the
//! contractive term), activation backward, weight and bias gradients, and the gradient of each op's
//! input, alternating between the two gradient buffers.

use super::Recorder;
use crate::error::Result;
use crate::kernels::matmul::Operand;
use crate::model::layers::WeightLayout;
use crate::model::net::{Conv, Dense, Op};
use crate::train::backend::{Backend, View};

impl<'a, B: Backend> Recorder<'a, B> {
    /// `logits`: the loss gradient is already ∂L/∂z of the output layer (cross-entropy on logits).
    pub(super) fn backward(&mut self, logits: bool) -> Result<()> {
        let (phase, bufs, backend) = (self.phase, self.bufs, self.backend);
        let (net, b) = (&phase.net, phase.batch_size);
        let last = net.ops.len() - 1;
        for (i, op) in net.ops.iter().enumerate().rev() {
            let (cur, next) =
                if (last - i).is_multiple_of(2) { (&bufs.ds[0], &bufs.ds[1]) } else { (&bufs.ds[1], &bufs.ds[0]) };
            if phase.code == Some(i) {
                self.sparsity(i, cur)?;
            }
            let inp = self.input_of(i);
            match op {
                Op::Dense(d) => self.dense(i, d, cur, next, !(i == last && logits))?,
                Op::Conv(c) => self.conv(i, c, cur, next, !(i == last && logits))?,
                Op::MaxPool(pool) => backend.max_pool_backward(&mut self.p, next, cur, &bufs.masks[i], pool, b)?,
                Op::Upsample(pool) => backend.upsample_backward(&mut self.p, next, cur, pool, b)?,
                Op::KSparse { width, k } => {
                    backend.k_sparse_backward(&mut self.p, next, cur, inp, &bufs.masks[i], b, *width, *k)?;
                }
                Op::Reparameterize { code } => {
                    let beta = phase.penalties.vae_beta;
                    backend.reparameterize_backward(&mut self.p, next, cur, inp, &bufs.eps, beta, b, *code)?;
                }
            }
        }
        Ok(())
    }

    /// Sparsity penalties on the code (op `i`) add their gradient to ∂L/∂code in `cur`.
    fn sparsity(&mut self, i: usize, cur: &'a B::Buffer) -> Result<()> {
        let (phase, bufs) = (self.phase, self.bufs);
        let (penalties, b) = (&phase.penalties, phase.batch_size);
        let width = phase.net.ops[i].output_width();
        if penalties.l1 > 0.0 {
            self.backend.l1(&mut self.p, cur, &bufs.outs[i], penalties.l1, b, width)?;
        }
        if let Some((rho, beta)) = penalties.kl {
            self.backend.kl_sparsity(&mut self.p, cur, &bufs.outs[i], &bufs.rho_hat, rho, beta, b, width)?;
        }
        Ok(())
    }

    /// Dense op `i`: activation backward unless `cur` already holds ∂L/∂z, (the contractive
    /// penalty's gradients), dW, db, and dinp into `next` (not for the first op).
    fn dense(&mut self, i: usize, d: &Dense, cur: &'a B::Buffer, next: &'a B::Buffer, activation: bool) -> Result<()> {
        let (phase, bufs, backend) = (self.phase, self.bufs, self.backend);
        let b = phase.batch_size;
        let bias = || View::at(&bufs.grads, d.bias, Operand::Plain);
        let contractive = phase.code == Some(i) && phase.penalties.contractive > 0.0;
        // The bias's gradient with the activation's where nothing comes between (one pass on the GPU).
        let fused = activation && !contractive;
        if fused {
            backend.activation_and_bias_backward(
                &mut self.p,
                cur,
                &bufs.outs[i],
                d.activation,
                bias(),
                b,
                d.outputs,
            )?;
        } else if activation {
            backend.activation_backward(&mut self.p, cur, &bufs.outs[i], d.activation, b * d.outputs)?;
        }
        if contractive {
            let (h, scratch, lambda) = (&bufs.outs[i], [&bufs.col_s, &bufs.col_g], phase.penalties.contractive);
            backend.contractive(&mut self.p, cur, &bufs.grads, &bufs.params, h, scratch, d, lambda, b)?;
        }
        let (inp, grad) = (self.input_of(i), View::at(&bufs.grads, d.weight, Operand::Plain));
        match d.layout {
            // dW[C, OC] += inpᵀ·d
            WeightLayout::Own => {
                let shape = (d.inputs, b, d.outputs);
                backend.matmul(
                    &mut self.p,
                    grad,
                    View::at(inp, 0, Operand::Transposed),
                    View::whole(cur),
                    shape,
                    true,
                )?
            }
            // a borrowed W is stored [OC, C]: dW += dᵀ·inp
            WeightLayout::TransposeOf => {
                let shape = (d.outputs, b, d.inputs);
                backend.matmul(
                    &mut self.p,
                    grad,
                    View::at(cur, 0, Operand::Transposed),
                    View::whole(inp),
                    shape,
                    true,
                )?
            }
        }
        if !fused {
            backend.column_sum(&mut self.p, bias(), cur, b, d.outputs)?;
        }
        if i > 0 {
            // dinp = d·Wᵀ: a transposed read of an own W [C, OC], a plain read of a borrowed [OC, C].
            let op = if d.layout == WeightLayout::Own { Operand::Transposed } else { Operand::Plain };
            let w = View::at(&bufs.params, d.weight, op);
            backend.matmul(&mut self.p, View::whole(next), View::whole(cur), w, (b, d.outputs, d.inputs), false)?;
        }
        Ok(())
    }

    /// Convolution op `i`: activation backward unless `cur` already holds ∂L/∂z, then the bias's,
    /// the weight's and (not for the first op) the input's gradients. A convolution's product is
    /// z = cols·W over its patches; a transposed one's, cols = inp·W summed back to pixels, so its
    /// backward takes the patches of ∂L/∂z. `bufs.cols[i]` holds the patches, then their gradient.
    fn conv(&mut self, i: usize, c: &Conv, cur: &'a B::Buffer, next: &'a B::Buffer, activation: bool) -> Result<()> {
        let (phase, bufs, backend) = (self.phase, self.bufs, self.backend);
        let (b, g, cols) = (phase.batch_size, &c.geometry, &bufs.cols[i]);
        let (positions, own) = (b * g.positions(), c.layout == WeightLayout::Own);
        if activation {
            backend.activation_backward(&mut self.p, cur, &bufs.outs[i], c.activation, b * c.outputs())?;
        }
        let bias = View::at(&bufs.grads, c.bias, Operand::Plain);
        backend.column_sum(&mut self.p, bias, cur, b * c.pixels_out(), c.channels_out())?;
        let (inp, grad) = (self.input_of(i), View::at(&bufs.grads, c.weight, Operand::Plain));
        let (plain, transposed) = (|x| View::at(x, 0, Operand::Plain), |x| View::at(x, 0, Operand::Transposed));
        // The small map's side (F wide) and the patches' side (K·K·C wide) of the product.
        let (small, patches) = if c.transposed {
            backend.im2col(&mut self.p, cols, cur, g, b)?;
            (inp, cols)
        } else {
            (cur, cols)
        };
        // The weight as stored: [K·K·C, F] when patches·W = small, else [F, K·K·C].
        let patch_rows = own != c.transposed;
        if patch_rows {
            backend.matmul(
                &mut self.p,
                grad,
                transposed(patches),
                plain(small),
                (g.patch(), positions, g.filters),
                true,
            )?;
        } else {
            backend.matmul(
                &mut self.p,
                grad,
                transposed(small),
                plain(patches),
                (g.filters, positions, g.patch()),
                true,
            )?;
        }
        if i > 0 {
            let w = |op| View::at(&bufs.params, c.weight, op);
            if c.transposed {
                // ∂L/∂inp [positions, F] = dcols·Wᵀ (as stored [F, K·K·C]: read transposed).
                let op = if patch_rows { Operand::Plain } else { Operand::Transposed };
                backend.matmul(
                    &mut self.p,
                    plain(next),
                    plain(cols),
                    w(op),
                    (positions, g.patch(), g.filters),
                    false,
                )?;
            } else {
                // dcols [positions, K·K·C] = ∂L/∂z·Wᵀ, then summed back to the pixels.
                let op = if patch_rows { Operand::Transposed } else { Operand::Plain };
                backend.matmul(
                    &mut self.p,
                    plain(cols),
                    plain(cur),
                    w(op),
                    (positions, g.filters, g.patch()),
                    false,
                )?;
                backend.col2im(&mut self.p, next, cols, g, b)?;
            }
        }
        Ok(())
    }
}
