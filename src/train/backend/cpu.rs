//! The reference backend: each op is a plain-loop function from layers.rs, penalties.rs, corrupt.rs,
//! optim.rs or matmul.rs (each with its finite-difference check), recorded as a closure over the
//! backend's memory. Generic over the float type, so gradient checks run the training step in f64.

use super::{Backend, Program, StepValues, View};
use crate::error::Result;
use crate::kernels::matmul::matmul;
use crate::model::corrupt::Noise;
use crate::model::layers::{
    add_bias, bias_backward, loss_backward, loss_forward, softmax_cross_entropy, Activation, Loss,
};
use crate::model::net::Dense;
use crate::model::optim::Optimizer;
use crate::model::penalties;
use crate::model::rbm;
use crate::real::Real;
use std::cell::{Ref, RefCell, RefMut};

mod memory;

/// A buffer of a `CpuBackend`: its place in the backend's memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CpuBuffer(usize);

type Cells<T> = [RefCell<Vec<T>>];

/// A recorded op: a closure over the memory, given the step's values.
pub type CpuLaunch<T> = Box<dyn Fn(&Cells<T>, StepValues)>;

#[derive(Default)]
pub struct CpuBackend<T> {
    memory: RefCell<Vec<RefCell<Vec<T>>>>,
}

impl<T: Real> CpuBackend<T> {
    pub fn new() -> Self {
        CpuBackend { memory: RefCell::new(Vec::new()) }
    }

    /// A buffer's values, in this backend's float type.
    pub fn get(&self, buffer: &CpuBuffer) -> Vec<T> {
        self.memory.borrow()[buffer.0].borrow().clone()
    }

    /// Writes values in this backend's float type at the buffer's start.
    pub fn set(&self, buffer: &CpuBuffer, values: &[T]) {
        self.memory.borrow()[buffer.0].borrow_mut()[..values.len()].copy_from_slice(values);
    }

    /// Whether every value in a buffer is finite (read in place).
    pub fn all_finite(&self, buffer: &CpuBuffer) -> bool {
        self.memory.borrow()[buffer.0].borrow().iter().all(|v| v.is_finite())
    }

    /// Runs the programs as `run` does, timing each launch with `clock` (seconds): the launches'
    /// times in order (the bench pages' profile of a step).
    pub fn run_timed(&self, programs: &[&Program<Self>], step: StepValues, clock: &dyn Fn() -> f64) -> Vec<f64> {
        let memory = self.memory.borrow();
        let mut times = Vec::new();
        for launch in programs.iter().flat_map(|p| p.iter()) {
            let start = clock();
            launch(&memory, step);
            times.push(clock() - start);
        }
        times
    }

    pub(super) fn record(&self, p: &mut Program<Self>, launch: impl Fn(&Cells<T>, StepValues) + 'static) -> Result<()> {
        p.push(Box::new(launch));
        Ok(())
    }
}

pub(super) fn read<T>(m: &Cells<T>, b: CpuBuffer) -> Ref<'_, Vec<T>> {
    m[b.0].borrow()
}

pub(super) fn write<T>(m: &Cells<T>, b: CpuBuffer) -> RefMut<'_, Vec<T>> {
    m[b.0].borrow_mut()
}

#[allow(clippy::too_many_arguments)]
impl<T: Real> Backend for CpuBackend<T> {
    fn matmul(
        &self,
        p: &mut Program<Self>,
        c: View<CpuBuffer>,
        a: View<CpuBuffer>,
        b: View<CpuBuffer>,
        (rows, inner, cols): (usize, usize, usize),
        accumulate: bool,
    ) -> Result<()> {
        let (c, a, b) = ((*c.buffer, c.offset), (*a.buffer, a.offset, a.op), (*b.buffer, b.offset, b.op));
        self.record(p, move |m, _| {
            let (lhs, rhs) = (read(m, a.0), read(m, b.0));
            let out = &mut write(m, c.0)[c.1..];
            matmul(out, &lhs[a.1..], a.2, &rhs[b.1..], b.2, rows, inner, cols, accumulate);
        })
    }

    fn bias_activation(
        &self,
        p: &mut Program<Self>,
        y: &CpuBuffer,
        z: &CpuBuffer,
        params: &CpuBuffer,
        (bias, width, act): (usize, usize, Activation),
        rows: usize,
    ) -> Result<()> {
        let (y, z, params) = (*y, *z, *params);
        self.record(p, move |m, _| {
            let (mut y, mut z) = (write(m, y), write(m, z));
            let n = rows * width;
            add_bias(&mut z[..n], &read(m, params)[bias..bias + width]);
            y[..n].copy_from_slice(&z[..n]);
            act.forward(&mut y[..n]);
        })
    }

    fn activation_backward(
        &self,
        p: &mut Program<Self>,
        d: &CpuBuffer,
        y: &CpuBuffer,
        act: Activation,
        n: usize,
    ) -> Result<()> {
        let (d, y) = (*d, *y);
        self.record(p, move |m, _| act.backward(&mut write(m, d)[..n], &read(m, y)[..n]))
    }

    fn column_sum(
        &self,
        p: &mut Program<Self>,
        sum: View<CpuBuffer>,
        d: &CpuBuffer,
        rows: usize,
        width: usize,
    ) -> Result<()> {
        let (sum, offset, d) = (*sum.buffer, sum.offset, *d);
        self.record(p, move |m, _| bias_backward(&mut write(m, sum)[offset..], &read(m, d), rows, width))
    }

    fn reconstruction_loss(
        &self,
        p: &mut Program<Self>,
        sums: &CpuBuffer,
        d: &CpuBuffer,
        y: &CpuBuffer,
        z: &CpuBuffer,
        target: &CpuBuffer,
        loss: Loss,
        rows: usize,
        width: usize,
    ) -> Result<()> {
        let (sums, d, y, z, target, n) = (*sums, *d, *y, *z, *target, rows * width);
        self.record(p, move |m, _| {
            let (y, z, target) = (&read(m, y)[..n], &read(m, z)[..n], &read(m, target)[..n]);
            let mut sums = write(m, sums);
            sums.fill(T::zero());
            sums[0] = loss_forward(loss, y, z, target, 1);
            loss_backward(loss, &mut write(m, d)[..n], y, target, rows);
        })
    }

    fn softmax_cross_entropy(
        &self,
        p: &mut Program<Self>,
        sums: &CpuBuffer,
        d: &CpuBuffer,
        logits: &CpuBuffer,
        labels: &CpuBuffer,
        rows: usize,
        classes: usize,
    ) -> Result<()> {
        let (sums, d, logits, labels) = (*sums, *d, *logits, *labels);
        self.record(p, move |m, _| {
            let labels: Vec<u8> = read(m, labels)[..rows].iter().map(|l| l.to_u8().unwrap_or(0)).collect();
            let (mean, _) = softmax_cross_entropy(&mut write(m, d), &read(m, logits), &labels, rows, classes);
            let mut sums = write(m, sums);
            sums.fill(T::zero());
            sums[0] = mean * T::of(rows as f64);
        })
    }

    fn k_sparse_forward(
        &self,
        p: &mut Program<Self>,
        out: &CpuBuffer,
        inp: &CpuBuffer,
        _mask: &CpuBuffer,
        rows: usize,
        width: usize,
        k: usize,
    ) -> Result<()> {
        let (out, inp) = (*out, *inp);
        self.record(p, move |m, _| penalties::k_sparse_forward(&mut write(m, out), &read(m, inp), rows, width, k))
    }

    fn k_sparse_backward(
        &self,
        p: &mut Program<Self>,
        dinp: &CpuBuffer,
        dout: &CpuBuffer,
        inp: &CpuBuffer,
        _mask: &CpuBuffer,
        rows: usize,
        width: usize,
        k: usize,
    ) -> Result<()> {
        let (dinp, dout, inp) = (*dinp, *dout, *inp);
        self.record(p, move |m, _| {
            penalties::k_sparse_backward(&mut write(m, dinp), &read(m, dout), &read(m, inp), rows, width, k)
        })
    }

    fn reparameterize_forward(
        &self,
        p: &mut Program<Self>,
        z: &CpuBuffer,
        heads: &CpuBuffer,
        eps: &CpuBuffer,
        rows: usize,
        code: usize,
    ) -> Result<()> {
        let (z, heads, eps) = (*z, *heads, *eps);
        self.record(p, move |m, _| {
            penalties::reparameterize_forward(&mut write(m, z), &read(m, heads), &read(m, eps), rows, code)
        })
    }

    fn reparameterize_backward(
        &self,
        p: &mut Program<Self>,
        dheads: &CpuBuffer,
        dz: &CpuBuffer,
        heads: &CpuBuffer,
        eps: &CpuBuffer,
        beta: f64,
        rows: usize,
        code: usize,
    ) -> Result<()> {
        let (dheads, dz, heads, eps) = (*dheads, *dz, *heads, *eps);
        self.record(p, move |m, _| {
            let (mut dheads, heads) = (write(m, dheads), read(m, heads));
            penalties::reparameterize_backward(&mut dheads, &read(m, dz), &heads, &read(m, eps), rows, code);
            penalties::vae_kl(Some(&mut dheads), &heads, beta, rows, code);
        })
    }

    fn l1(
        &self,
        p: &mut Program<Self>,
        d: &CpuBuffer,
        h: &CpuBuffer,
        lambda: f64,
        rows: usize,
        width: usize,
    ) -> Result<()> {
        let (d, h, n) = (*d, *h, rows * width);
        self.record(p, move |m, _| {
            penalties::l1(Some(&mut write(m, d)[..n]), &read(m, h)[..n], lambda, rows);
        })
    }

    fn kl_sparsity(
        &self,
        p: &mut Program<Self>,
        d: &CpuBuffer,
        h: &CpuBuffer,
        _mean: &CpuBuffer,
        rho: f64,
        beta: f64,
        rows: usize,
        width: usize,
    ) -> Result<()> {
        let (d, h) = (*d, *h);
        self.record(p, move |m, _| {
            penalties::kl_sparsity(Some(&mut write(m, d)), &read(m, h), rho, beta, rows, width);
        })
    }

    fn contractive(
        &self,
        p: &mut Program<Self>,
        dz: &CpuBuffer,
        grads: &CpuBuffer,
        params: &CpuBuffer,
        h: &CpuBuffer,
        _scratch: [&CpuBuffer; 2],
        d: &Dense,
        lambda: f64,
        rows: usize,
    ) -> Result<()> {
        let (dz, grads, params, h, d) = (*dz, *grads, *params, *h, d.clone());
        self.record(p, move |m, _| {
            let (mut dz, mut grads) = (write(m, dz), write(m, grads));
            let weight = &read(m, params)[d.weight_range()];
            let g = Some((&mut dz[..], &mut grads[d.weight_range()]));
            penalties::contractive(g, &read(m, h), weight, d.activation, lambda, rows, d.inputs, d.outputs);
        })
    }

    fn corrupt(&self, p: &mut Program<Self>, x: &CpuBuffer, clean: &CpuBuffer, noise: Noise, n: usize) -> Result<()> {
        let (x, clean) = (*x, *clean);
        self.record(p, move |m, step| {
            let mut x = write(m, x);
            x[..n].copy_from_slice(&read(m, clean)[..n]);
            if let Some(stream) = step.corrupt {
                noise.apply(&mut x[..n], stream);
            }
        })
    }

    fn optimizer_update(
        &self,
        p: &mut Program<Self>,
        params: &CpuBuffer,
        grads: &CpuBuffer,
        m1: &CpuBuffer,
        m2: &CpuBuffer,
        optimizer: &Optimizer,
        n: usize,
    ) -> Result<()> {
        let (params, grads, m1, m2) = (*params, *grads, *m1, *m2);
        let optimizer = Optimizer { m: Vec::new(), v: Vec::new(), ..optimizer.clone() };
        self.record(p, move |m, step| {
            let (mut params, mut first, mut second) = (write(m, params), write(m, m1), write(m, m2));
            let o = Optimizer { learning_rate: step.learning_rate, m: Vec::new(), v: Vec::new(), ..optimizer };
            o.apply_shared(step.t, &mut params[..n], &read(m, grads)[..n], &mut first[..n], &mut second);
        })
    }

    fn sample_units(
        &self,
        p: &mut Program<Self>,
        out: &CpuBuffer,
        mean: &CpuBuffer,
        act: Activation,
        draw: u32,
        n: usize,
    ) -> Result<()> {
        let (out, mean) = (*out, *mean);
        self.record(p, move |m, step| {
            let mut out = write(m, out);
            out[..n].copy_from_slice(&read(m, mean)[..n]);
            if let Some(stream) = step.sample {
                rbm::sample(&mut out[..n], act, stream.substream(draw));
            }
        })
    }

    fn scaled_copy(
        &self,
        p: &mut Program<Self>,
        out: View<CpuBuffer>,
        inp: &CpuBuffer,
        scale: f64,
        n: usize,
    ) -> Result<()> {
        let (o, at, inp) = (*out.buffer, out.offset, *inp);
        self.record(p, move |m, _| {
            let scale = T::of(scale);
            for (y, &x) in write(m, o)[at..at + n].iter_mut().zip(&read(m, inp)[..n]) {
                *y = scale * x;
            }
        })
    }
}
