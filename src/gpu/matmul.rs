//! The GPU matrix product (matmul.wgsl), C = op(A)·op(B) with either operand transposed in place and
//! optional accumulation: the forward pass and both backward products of a dense layer. The pipeline
//! is built once; a product is a bind group (built once per use site) and a dispatch.
//! Tested against `crate::matmul::matmul_reference` natively and in the browser.

use super::GpuContext;
use crate::error::{Error, Result};
use crate::matmul::Op;
use wgpu::util::DeviceExt;

const TILE: u32 = 64;

pub struct GpuMatmul {
    pipeline: wgpu::ComputePipeline,
}

/// A matrix inside a buffer: the buffer, the element offset where it starts, and how it is read.
pub struct View<'a> {
    pub buffer: &'a wgpu::Buffer,
    pub offset: usize,
    pub op: Op,
}

impl<'a> View<'a> {
    pub fn whole(buffer: &'a wgpu::Buffer) -> Self {
        View { buffer, offset: 0, op: Op::Plain }
    }
    pub fn at(buffer: &'a wgpu::Buffer, offset: usize, op: Op) -> Self {
        View { buffer, offset, op }
    }
}

/// One product's shape and bindings, ready to dispatch.
pub struct Product {
    bind_group: wgpu::BindGroup,
    m: u32,
    n: u32,
}

impl GpuMatmul {
    pub fn new(ctx: &GpuContext) -> Self {
        let module = ctx.device.create_shader_module(wgpu::include_wgsl!("matmul.wgsl"));
        let pipeline = ctx.device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
            label: Some("matmul"),
            layout: None,
            module: &module,
            entry_point: Some("matmul"),
            compilation_options: Default::default(),
            cache: None,
        });
        GpuMatmul { pipeline }
    }

    /// Binds c[M, N] (+)= op(a)·op(b) over existing buffers (c's op is ignored: it is written plainly).
    pub fn product(
        &self,
        ctx: &GpuContext,
        c: View,
        a: View,
        b: View,
        (m, k, n): (usize, usize, usize),
        accumulate: bool,
    ) -> Product {
        let flag = |op| u32::from(op == Op::Transposed);
        let (off_a, off_b, off_c) = (a.offset as u32, b.offset as u32, c.offset as u32);
        let dims =
            [m as u32, k as u32, n as u32, flag(a.op), flag(b.op), u32::from(accumulate), off_a, off_b, off_c, 0, 0, 0];
        let dims = ctx.device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some("matmul dims"),
            contents: bytemuck::cast_slice(&dims),
            usage: wgpu::BufferUsages::UNIFORM,
        });
        let bind_group = ctx.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("matmul"),
            layout: &self.pipeline.get_bind_group_layout(0),
            entries: &[
                wgpu::BindGroupEntry { binding: 0, resource: dims.as_entire_binding() },
                wgpu::BindGroupEntry { binding: 1, resource: a.buffer.as_entire_binding() },
                wgpu::BindGroupEntry { binding: 2, resource: b.buffer.as_entire_binding() },
                wgpu::BindGroupEntry { binding: 3, resource: c.buffer.as_entire_binding() },
            ],
        });
        Product { bind_group, m: m as u32, n: n as u32 }
    }

    pub fn dispatch(&self, pass: &mut wgpu::ComputePass, p: &Product) {
        pass.set_pipeline(&self.pipeline);
        pass.set_bind_group(0, &p.bind_group, &[]);
        pass.dispatch_workgroups(p.n.div_ceil(TILE), p.m.div_ceil(TILE), 1);
    }

    /// c[M, N] = op(a)·op(b) on the GPU, uploading the operands and reading the result back.
    #[allow(clippy::too_many_arguments)]
    pub async fn run(
        &self,
        ctx: &GpuContext,
        a: &[f32],
        op_a: Op,
        b: &[f32],
        op_b: Op,
        m: usize,
        k: usize,
        n: usize,
    ) -> Result<Vec<f32>> {
        if a.len() != m * k || b.len() != k * n || m * k * n == 0 {
            return Err(Error::new(format!(
                "matmul: operands of {} and {} values do not fit {m}×{k}·{k}×{n}",
                a.len(),
                b.len()
            )));
        }
        let (a_buf, b_buf) = (ctx.upload("a", a), ctx.upload("b", b));
        let c_buf = ctx.storage("c", m * n);
        let (a_view, b_view) = (View::at(&a_buf, 0, op_a), View::at(&b_buf, 0, op_b));
        let product = self.product(ctx, View::whole(&c_buf), a_view, b_view, (m, k, n), false);
        let mut encoder = ctx.device.create_command_encoder(&Default::default());
        {
            let mut pass = encoder.begin_compute_pass(&Default::default());
            self.dispatch(&mut pass, &product);
        }
        ctx.queue.submit([encoder.finish()]);
        ctx.read_f32(&c_buf, m * n).await
    }
}
