//! The convolution family of the backend interface (model/conv.rs): im2col and col2im, which a
//! convolution and a transposed convolution are built from with one product each, and 2×2 max
//! pooling with its mirror; each formula written once here, with the reference backend's launches
//! (plain loops) and WebGPU's (conv.wgsl).

use super::cpu::{read, write, CpuBackend, CpuBuffer};
#[cfg(feature = "gpu")]
use super::gpu::{GpuBackend, GpuLaunch};
use super::{Memory, Program};
use crate::error::Result;
#[cfg(feature = "gpu")]
use crate::kernels::gpu::conv::ConvEntry;
use crate::model::conv::{self, Geometry, Pooling};
use crate::real::Real;

/// Convolutions' ops, recorded into a program like every op of `Backend`.
pub trait Convolutions: Memory {
    /// cols [B·OH·OW, K·K·C] = the patches of the large map x [B, H, W, C] (`conv::im2col`).
    fn im2col(
        &self,
        p: &mut Program<Self>,
        cols: &Self::Buffer,
        x: &Self::Buffer,
        g: &Geometry,
        rows: usize,
    ) -> Result<()>;

    /// x [B, H, W, C] = each pixel's sum over the patches in cols that hold it (`conv::col2im`).
    fn col2im(
        &self,
        p: &mut Program<Self>,
        x: &Self::Buffer,
        cols: &Self::Buffer,
        g: &Geometry,
        rows: usize,
    ) -> Result<()>;

    /// out [B, H/2, W/2, C] = each 2×2 window's largest value of inp, `which` its place in the
    /// window (`conv::max_pool`).
    fn max_pool(
        &self,
        p: &mut Program<Self>,
        out: &Self::Buffer,
        which: &Self::Buffer,
        inp: &Self::Buffer,
        pool: &Pooling,
        rows: usize,
    ) -> Result<()>;

    /// dinp [B, H, W, C] = dout at each window's largest value, else 0 (`conv::max_pool_backward`).
    fn max_pool_backward(
        &self,
        p: &mut Program<Self>,
        dinp: &Self::Buffer,
        dout: &Self::Buffer,
        which: &Self::Buffer,
        pool: &Pooling,
        rows: usize,
    ) -> Result<()>;

    /// out [B, H, W, C] = inp [B, H/2, W/2, C] copied to each 2×2 window (`conv::upsample`).
    fn upsample(
        &self,
        p: &mut Program<Self>,
        out: &Self::Buffer,
        inp: &Self::Buffer,
        pool: &Pooling,
        rows: usize,
    ) -> Result<()>;

    /// dinp [B, H/2, W/2, C] = dout summed over each 2×2 window (`conv::upsample_backward`).
    fn upsample_backward(
        &self,
        p: &mut Program<Self>,
        dinp: &Self::Buffer,
        dout: &Self::Buffer,
        pool: &Pooling,
        rows: usize,
    ) -> Result<()>;

    // ----- reductions -----
}

impl<T: Real> Convolutions for CpuBackend<T> {
    fn im2col(&self, p: &mut Program<Self>, cols: &CpuBuffer, x: &CpuBuffer, g: &Geometry, rows: usize) -> Result<()> {
        let (cols, x, g) = (*cols, *x, *g);
        self.record(p, move |m, _| conv::im2col(&mut write(m, cols), &read(m, x), &g, rows))
    }

    fn col2im(&self, p: &mut Program<Self>, x: &CpuBuffer, cols: &CpuBuffer, g: &Geometry, rows: usize) -> Result<()> {
        let (cols, x, g) = (*cols, *x, *g);
        self.record(p, move |m, _| conv::col2im(&mut write(m, x), &read(m, cols), &g, rows))
    }

    fn max_pool(
        &self,
        p: &mut Program<Self>,
        out: &CpuBuffer,
        which: &CpuBuffer,
        inp: &CpuBuffer,
        pool: &Pooling,
        rows: usize,
    ) -> Result<()> {
        let (out, which, inp, pool) = (*out, *which, *inp, *pool);
        self.record(p, move |m, _| conv::max_pool(&mut write(m, out), &mut write(m, which), &read(m, inp), &pool, rows))
    }

    fn max_pool_backward(
        &self,
        p: &mut Program<Self>,
        dinp: &CpuBuffer,
        dout: &CpuBuffer,
        which: &CpuBuffer,
        pool: &Pooling,
        rows: usize,
    ) -> Result<()> {
        let (dinp, dout, which, pool) = (*dinp, *dout, *which, *pool);
        self.record(p, move |m, _| {
            conv::max_pool_backward(&mut write(m, dinp), &read(m, dout), &read(m, which), &pool, rows)
        })
    }

    fn upsample(
        &self,
        p: &mut Program<Self>,
        out: &CpuBuffer,
        inp: &CpuBuffer,
        pool: &Pooling,
        rows: usize,
    ) -> Result<()> {
        let (out, inp, pool) = (*out, *inp, *pool);
        self.record(p, move |m, _| conv::upsample(&mut write(m, out), &read(m, inp), &pool, rows))
    }

    fn upsample_backward(
        &self,
        p: &mut Program<Self>,
        dinp: &CpuBuffer,
        dout: &CpuBuffer,
        pool: &Pooling,
        rows: usize,
    ) -> Result<()> {
        let (dinp, dout, pool) = (*dinp, *dout, *pool);
        self.record(p, move |m, _| conv::upsample_backward(&mut write(m, dinp), &read(m, dout), &pool, rows))
    }
}

#[cfg(feature = "gpu")]
impl Convolutions for GpuBackend {
    fn im2col(
        &self,
        p: &mut Program<Self>,
        cols: &wgpu::Buffer,
        x: &wgpu::Buffer,
        g: &Geometry,
        rows: usize,
    ) -> Result<()> {
        p.push(GpuLaunch::Conv(self.conv.launch(&self.ctx, ConvEntry::Im2col, g, rows, cols, x)?));
        Ok(())
    }

    fn col2im(
        &self,
        p: &mut Program<Self>,
        x: &wgpu::Buffer,
        cols: &wgpu::Buffer,
        g: &Geometry,
        rows: usize,
    ) -> Result<()> {
        p.push(GpuLaunch::Conv(self.conv.launch(&self.ctx, ConvEntry::Col2im, g, rows, cols, x)?));
        Ok(())
    }

    fn max_pool(
        &self,
        p: &mut Program<Self>,
        out: &wgpu::Buffer,
        which: &wgpu::Buffer,
        inp: &wgpu::Buffer,
        pool: &Pooling,
        rows: usize,
    ) -> Result<()> {
        let launch = self.conv.launch_pool(&self.ctx, ConvEntry::MaxPool, pool, rows, (out, inp, Some(which)))?;
        p.push(GpuLaunch::Conv(launch));
        Ok(())
    }

    fn max_pool_backward(
        &self,
        p: &mut Program<Self>,
        dinp: &wgpu::Buffer,
        dout: &wgpu::Buffer,
        which: &wgpu::Buffer,
        pool: &Pooling,
        rows: usize,
    ) -> Result<()> {
        let buffers = (dout, dinp, Some(which));
        p.push(GpuLaunch::Conv(self.conv.launch_pool(&self.ctx, ConvEntry::MaxPoolBackward, pool, rows, buffers)?));
        Ok(())
    }

    fn upsample(
        &self,
        p: &mut Program<Self>,
        out: &wgpu::Buffer,
        inp: &wgpu::Buffer,
        pool: &Pooling,
        rows: usize,
    ) -> Result<()> {
        p.push(GpuLaunch::Conv(self.conv.launch_pool(&self.ctx, ConvEntry::Upsample, pool, rows, (inp, out, None))?));
        Ok(())
    }

    fn upsample_backward(
        &self,
        p: &mut Program<Self>,
        dinp: &wgpu::Buffer,
        dout: &wgpu::Buffer,
        pool: &Pooling,
        rows: usize,
    ) -> Result<()> {
        let launch = self.conv.launch_pool(&self.ctx, ConvEntry::UpsampleBackward, pool, rows, (dinp, dout, None))?;
        p.push(GpuLaunch::Conv(launch));
        Ok(())
    }
}
