//! Drives conv.wgsl: the im2col and col2im kernels that convolutions are built from, and 2×2 max
//! pooling with its mirror, one pipeline each, built once. A launch (uniform, bind group, dispatch size) is built once per use site; a
//! training step only dispatches it.

use super::GpuContext;
use crate::error::{Error, Result};
use crate::model::conv::{Geometry, Pooling};

const WORKGROUP: u32 = 256;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConvEntry {
    /// Writes cols from the large map.
    Im2col,
    /// Writes the large map from cols.
    Col2im,
    /// The pooling kernels: the small map (and `which`) from the large one, and back.
    MaxPool,
    MaxPoolBackward,
    Upsample,
    UpsampleBackward,
}

impl ConvEntry {
    const ALL: [ConvEntry; 6] = [
        ConvEntry::Im2col,
        ConvEntry::Col2im,
        ConvEntry::MaxPool,
        ConvEntry::MaxPoolBackward,
        ConvEntry::Upsample,
        ConvEntry::UpsampleBackward,
    ];

    fn name(self) -> &'static str {
        match self {
            ConvEntry::Im2col => "im2col",
            ConvEntry::Col2im => "col2im",
            ConvEntry::MaxPool => "max_pool",
            ConvEntry::MaxPoolBackward => "max_pool_backward",
            ConvEntry::Upsample => "upsample",
            ConvEntry::UpsampleBackward => "upsample_backward",
        }
    }
}

/// The uniform (layout of `Geometry` in conv.wgsl).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, bytemuck::Pod, bytemuck::Zeroable)]
struct Uniform {
    rows: u32,
    height: u32,
    width: u32,
    channels: u32,
    kernel: u32,
    stride: u32,
    pad: u32,
    out_height: u32,
    out_width: u32,
    n: u32,
    span: u32,
    pad_end: u32,
}

pub struct ConvLaunch {
    entry: ConvEntry,
    bind_group: wgpu::BindGroup,
    groups: (u32, u32),
}

pub struct ConvKernels {
    pipelines: Vec<wgpu::ComputePipeline>,
}

impl ConvKernels {
    pub fn new(ctx: &GpuContext) -> Self {
        let module = ctx.device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("conv.wgsl"),
            source: wgpu::ShaderSource::Wgsl(include_str!("conv.wgsl").into()),
        });
        let pipeline = |entry: ConvEntry| {
            ctx.device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
                label: Some(entry.name()),
                layout: None,
                module: &module,
                entry_point: Some(entry.name()),
                compilation_options: Default::default(),
                cache: None,
            })
        };
        ConvKernels { pipelines: ConvEntry::ALL.iter().map(|&e| pipeline(e)).collect() }
    }

    fn pipeline(&self, entry: ConvEntry) -> &wgpu::ComputePipeline {
        &self.pipelines[ConvEntry::ALL.iter().position(|&e| e == entry).expect("every entry has a pipeline")]
    }

    /// A launch of `entry` for `rows` samples of geometry `g`, over cols [B·OH·OW, K·K·C] and the
    /// large map [B, H, W, C].
    pub fn launch(
        &self,
        ctx: &GpuContext,
        entry: ConvEntry,
        g: &Geometry,
        rows: usize,
        cols: &wgpu::Buffer,
        image: &wgpu::Buffer,
    ) -> Result<ConvLaunch> {
        let n = rows * if entry == ConvEntry::Im2col { g.positions() * g.patch() } else { g.large() };
        let u32_of = |v: usize| v as u32;
        let uniform = Uniform {
            rows: u32_of(rows),
            height: u32_of(g.height),
            width: u32_of(g.width),
            channels: u32_of(g.channels),
            kernel: u32_of(g.kernel),
            stride: u32_of(g.stride),
            pad: u32_of(g.pad()),
            out_height: u32_of(g.out_height()),
            out_width: u32_of(g.out_width()),
            ..Uniform::default()
        };
        self.launch_over(ctx, entry, uniform, n, &[cols, image])
    }

    /// A launch of a pooling `entry` for `rows` samples: over the small map, the large map and, for
    /// max pooling and its backward, the window places `which`.
    pub fn launch_pool(
        &self,
        ctx: &GpuContext,
        entry: ConvEntry,
        pool: &Pooling,
        rows: usize,
        (small, large, which): (&wgpu::Buffer, &wgpu::Buffer, Option<&wgpu::Buffer>),
    ) -> Result<ConvLaunch> {
        let over_small = matches!(entry, ConvEntry::MaxPool | ConvEntry::UpsampleBackward);
        let n = rows * if over_small { pool.small() } else { pool.large() };
        let u32_of = |v: usize| v as u32;
        let uniform = Uniform {
            rows: u32_of(rows),
            height: u32_of(pool.height),
            width: u32_of(pool.width),
            channels: u32_of(pool.channels),
            ..Uniform::default()
        };
        let buffers: Vec<&wgpu::Buffer> = [small, large].into_iter().chain(which).collect();
        self.launch_over(ctx, entry, uniform, n, &buffers)
    }

    /// The launch of `entry` writing `n` values, `buffers` bound to bindings 1, 2, ….
    fn launch_over(
        &self,
        ctx: &GpuContext,
        entry: ConvEntry,
        uniform: Uniform,
        n: usize,
        buffers: &[&wgpu::Buffer],
    ) -> Result<ConvLaunch> {
        let most = ctx.device.limits().max_compute_workgroups_per_dimension;
        let groups = (n as u64).div_ceil(WORKGROUP as u64);
        let (x, y) = (groups.min(most as u64) as u32, groups.div_ceil(most as u64) as u32);
        if n > u32::MAX as usize || y > most {
            return Err(Error::new(format!("{}: {n} values exceed one dispatch on this GPU", entry.name())));
        }
        let uniform = Uniform { n: n as u32, span: x.max(1) * WORKGROUP, ..uniform };
        let pipeline = self.pipeline(entry);
        let (_, bind_group) = ctx.bind(entry.name(), pipeline, bytemuck::bytes_of(&uniform), buffers);
        Ok(ConvLaunch { entry, bind_group, groups: (x.max(1), y.max(1)) })
    }

    pub fn dispatch(&self, pass: &mut wgpu::ComputePass, launch: &ConvLaunch) {
        pass.set_pipeline(self.pipeline(launch.entry));
        pass.set_bind_group(0, &launch.bind_group, &[]);
        pass.dispatch_workgroups(launch.groups.0, launch.groups.1, 1);
    }
}
