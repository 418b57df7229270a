//! The GPU matrix product (matmul.wgsl): pipeline built once, then each call only uploads, dispatches
//! and reads back. Tested against `crate::matmul::matmul_reference` natively and in the browser.

use super::GpuContext;
use crate::error::{Error, Result};
use wgpu::util::DeviceExt;

const TILE: u32 = 64;

pub struct GpuMatmul {
    pipeline: wgpu::ComputePipeline,
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

    /// c[M, N] = a[M, K] · b[K, N], computed on the GPU.
    pub async fn run(&self, ctx: &GpuContext, a: &[f32], b: &[f32], m: usize, k: usize, n: usize) -> Result<Vec<f32>> {
        if a.len() != m * k || b.len() != k * n || m * k * n == 0 {
            return Err(Error::new(format!(
                "matmul: operands of {} and {} values do not fit {m}×{k}·{k}×{n}",
                a.len(),
                b.len()
            )));
        }
        let device = &ctx.device;
        let storage = |label, contents: &[f32]| {
            device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
                label: Some(label),
                contents: bytemuck::cast_slice(contents),
                usage: wgpu::BufferUsages::STORAGE,
            })
        };
        let (a_buf, b_buf) = (storage("a", a), storage("b", b));
        let dims = [m as u32, k as u32, n as u32, 0];
        let dims_buf = device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some("dims"),
            contents: bytemuck::cast_slice(&dims),
            usage: wgpu::BufferUsages::UNIFORM,
        });
        let c_buf = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("c"),
            size: (m * n * 4) as u64,
            usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC,
            mapped_at_creation: false,
        });
        let bind_group = device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("matmul"),
            layout: &self.pipeline.get_bind_group_layout(0),
            entries: &[
                wgpu::BindGroupEntry { binding: 0, resource: dims_buf.as_entire_binding() },
                wgpu::BindGroupEntry { binding: 1, resource: a_buf.as_entire_binding() },
                wgpu::BindGroupEntry { binding: 2, resource: b_buf.as_entire_binding() },
                wgpu::BindGroupEntry { binding: 3, resource: c_buf.as_entire_binding() },
            ],
        });
        let mut encoder = device.create_command_encoder(&Default::default());
        {
            let mut pass = encoder.begin_compute_pass(&Default::default());
            pass.set_pipeline(&self.pipeline);
            pass.set_bind_group(0, &bind_group, &[]);
            pass.dispatch_workgroups((n as u32).div_ceil(TILE), (m as u32).div_ceil(TILE), 1);
        }
        ctx.queue.submit([encoder.finish()]);
        ctx.read_f32(&c_buf, m * n).await
    }
}
