//! The GPU matrix product, C = op(A)·op(B) with either operand transposed in place and optional
//! accumulation: the forward pass and both backward products of a dense layer. The kernels share
//! matmul_common.wgsl: 64×64 tiles (matmul.wgsl) and, for products large enough to fill the GPU with
//! them, 128×128 tiles (matmul_large.wgsl), which read their operands as vectors of 4 where the shape
//! allows. The pipelines are built once; a product is a bind group (built once per use site) and a
//! dispatch.
//! Tested against `crate::kernels::matmul::matmul_reference` natively and in the browser.

use super::GpuContext;
use crate::error::{Error, Result};
use crate::kernels::matmul::Operand;
use wgpu::util::DeviceExt;

/// Which kernel computes a product: the tile of C that one workgroup computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tiles {
    /// 64×64, 4×4 per invocation: many workgroups even for a small batch.
    Small,
    /// 128×128, 8×8 per invocation: twice the arithmetic per value staged, for large products.
    Large,
    /// `Large` reading the operands as vectors of 4: for products whose M, K, N and offsets are
    /// multiples of 4 and whose buffers are whole vectors (others get `Large`).
    LargeVectors,
}

impl Tiles {
    pub const ALL: [Tiles; 3] = [Tiles::Small, Tiles::Large, Tiles::LargeVectors];

    /// Large tiles once they give at least 256 workgroups (C of 2048×2048 or more): with fewer, too
    /// many of a large GPU's cores sit idle (the crossover measured in benches/results/). Read as
    /// vectors where the product is `aligned`.
    pub fn for_shape(m: usize, n: usize, aligned: bool) -> Tiles {
        match (m.div_ceil(128) * n.div_ceil(128) >= 256, aligned) {
            (false, _) => Tiles::Small,
            (true, false) => Tiles::Large,
            (true, true) => Tiles::LargeVectors,
        }
    }

    fn size(self) -> u32 {
        match self {
            Tiles::Small => 64,
            Tiles::Large | Tiles::LargeVectors => 128,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Tiles::Small => "64×64 tiles, 4×4 per invocation",
            Tiles::Large => "128×128 tiles, 8×8 per invocation",
            Tiles::LargeVectors => "128×128 tiles, 8×8 per invocation, operands read as vectors of 4",
        }
    }
}

const COMMON: &str = include_str!("matmul_common.wgsl");
const SCALAR: &str = include_str!("matmul_scalar.wgsl");
const SMALL: &str = include_str!("matmul.wgsl");
const LARGE: &str = include_str!("matmul_large.wgsl");
const LARGE_SCALAR: &str = include_str!("matmul_large_scalar.wgsl");
const LARGE_VECTOR: &str = include_str!("matmul_large_vector.wgsl");

/// Workgroup memory the large kernel takes with padded staged rows: two slices of 16 rows of 33
/// vectors (16,896 bytes, over WebGPU's default 16,384; the swizzled rows take 16,384).
pub const PADDED_STAGING_BYTES: u32 = 2 * 16 * 33 * 16;

/// The large kernel's WGSL: staged rows padded or swizzled, operands read as vectors or scalars.
pub fn large_source(padded: bool, vectors: bool) -> String {
    let row = format!("const ROW: u32 = {}u;\n", if padded { 33 } else { 32 });
    let operands = if vectors { [LARGE_VECTOR, ""] } else { [SCALAR, LARGE_SCALAR] };
    [&row, COMMON, LARGE, operands[0], operands[1]].concat()
}

/// The small kernel's WGSL.
pub fn small_source() -> String {
    [COMMON, SCALAR, SMALL].concat()
}

pub struct GpuMatmul {
    small: wgpu::ComputePipeline,
    large: wgpu::ComputePipeline,
    large_vectors: wgpu::ComputePipeline,
    /// Whether the large kernel stages padded rows (the device granted the memory) or swizzled ones.
    pub padded: bool,
}

/// A matrix inside a GPU buffer: the buffer, the element offset where it starts, and how it is read.
pub type View<'a> = crate::train::backend::View<'a, wgpu::Buffer>;

/// One product's shape, kernel and bindings, ready to dispatch.
pub struct Product {
    bind_group: wgpu::BindGroup,
    tiles: Tiles,
    m: u32,
    n: u32,
}

/// Whether the device granted the workgroup memory that padded staged rows take.
fn can_pad(ctx: &GpuContext) -> bool {
    ctx.device.limits().max_compute_workgroup_storage_size >= PADDED_STAGING_BYTES
}

/// Whether a product can be read as vectors of 4: its shape and offsets multiples of 4, its buffers
/// whole vectors.
fn aligned(c: &View, a: &View, b: &View, (m, k, n): (usize, usize, usize)) -> bool {
    [m, k, n, a.offset, b.offset, c.offset].iter().all(|x| x % 4 == 0)
        && [a, b, c].iter().all(|v| v.buffer.size() % 16 == 0)
}

/// A kernel's pipeline, compiled with or without the runtime checks wgpu adds to shaders.
fn pipeline(ctx: &GpuContext, label: &str, source: &str, checks: Checks) -> wgpu::ComputePipeline {
    let desc = wgpu::ShaderModuleDescriptor { label: Some(label), source: wgpu::ShaderSource::Wgsl(source.into()) };
    let module = match checks {
        Checks::All => ctx.device.create_shader_module(desc),
        // SAFETY: the kernels index their workgroup arrays within bounds by construction (indices below
        // SLICE·ROW), every loop runs over K in steps of SLICE, and buffer accesses stay checked by the
        // Vulkan driver's robust buffer access (wgpu drops only the checks it would add itself). The
        // parity tests run these very modules on ragged shapes, every transpose, a poisoned output.
        #[cfg(not(target_arch = "wasm32"))]
        Checks::None => unsafe {
            ctx.device.create_shader_module_trusted(desc, wgpu::ShaderRuntimeChecks::unchecked())
        },
    };
    ctx.device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
        label: Some(label),
        layout: None,
        module: &module,
        entry_point: Some("matmul"),
        compilation_options: Default::default(),
        cache: None,
    })
}

/// Whether the kernels carry wgpu's runtime checks (a clamp on every index into an array, a bound on
/// every loop). Natively they do not (their cost is measured in benches/results/); in the browser the
/// checks are the browser's to add.
#[derive(Clone, Copy)]
enum Checks {
    All,
    #[cfg(not(target_arch = "wasm32"))]
    None,
}

impl Checks {
    /// What `GpuMatmul::new` compiles with: none natively, the browser's in the browser.
    #[cfg(not(target_arch = "wasm32"))]
    const PLATFORM: Checks = Checks::None;
    #[cfg(target_arch = "wasm32")]
    const PLATFORM: Checks = Checks::All;
}

impl GpuMatmul {
    pub fn new(ctx: &GpuContext) -> Self {
        Self::build(ctx, Checks::PLATFORM, can_pad(ctx))
    }

    /// The same kernels with wgpu's runtime checks (in the browser, `new` gives these): the benchmark
    /// measures what the checks cost.
    pub fn with_runtime_checks(ctx: &GpuContext) -> Self {
        Self::build(ctx, Checks::All, can_pad(ctx))
    }

    /// The kernels with the large one's staged rows swizzled even where the device would take padded
    /// ones: what devices granting only 16 KiB run (the parity tests try both layouts).
    pub fn with_swizzled_rows(ctx: &GpuContext) -> Self {
        Self::build(ctx, Checks::PLATFORM, false)
    }

    fn build(ctx: &GpuContext, checks: Checks, padded: bool) -> Self {
        GpuMatmul {
            small: pipeline(ctx, "matmul", &small_source(), checks),
            large: pipeline(ctx, "matmul large", &large_source(padded, false), checks),
            large_vectors: pipeline(ctx, "matmul large, vectors", &large_source(padded, true), checks),
            padded,
        }
    }

    /// Binds c[M, N] (+)= op(a)·op(b) over existing buffers (c's op is ignored: it is written plainly),
    /// with the kernel that suits the shape.
    pub fn product(
        &self,
        ctx: &GpuContext,
        c: View,
        a: View,
        b: View,
        shape: (usize, usize, usize),
        accumulate: bool,
    ) -> Product {
        let tiles = Tiles::for_shape(shape.0, shape.2, aligned(&c, &a, &b, shape));
        self.product_with(tiles, ctx, c, a, b, shape, accumulate)
    }

    /// `product` with a chosen kernel (for the parity tests and the benchmarks); `LargeVectors` gives
    /// `Large` where the product is not aligned for it.
    #[allow(clippy::too_many_arguments)]
    pub fn product_with(
        &self,
        tiles: Tiles,
        ctx: &GpuContext,
        c: View,
        a: View,
        b: View,
        (m, k, n): (usize, usize, usize),
        accumulate: bool,
    ) -> Product {
        let tiles = match tiles {
            Tiles::LargeVectors if !aligned(&c, &a, &b, (m, k, n)) => Tiles::Large,
            tiles => tiles,
        };
        let flag = |op| u32::from(op == Operand::Transposed);
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
            layout: &self.pipeline(tiles).get_bind_group_layout(0),
            entries: &[
                wgpu::BindGroupEntry { binding: 0, resource: dims.as_entire_binding() },
                wgpu::BindGroupEntry { binding: 1, resource: a.buffer.as_entire_binding() },
                wgpu::BindGroupEntry { binding: 2, resource: b.buffer.as_entire_binding() },
                wgpu::BindGroupEntry { binding: 3, resource: c.buffer.as_entire_binding() },
            ],
        });
        Product { bind_group, tiles, m: m as u32, n: n as u32 }
    }

    fn pipeline(&self, tiles: Tiles) -> &wgpu::ComputePipeline {
        match tiles {
            Tiles::Small => &self.small,
            Tiles::Large => &self.large,
            Tiles::LargeVectors => &self.large_vectors,
        }
    }

    pub fn dispatch(&self, pass: &mut wgpu::ComputePass, p: &Product) {
        pass.set_pipeline(self.pipeline(p.tiles));
        pass.set_bind_group(0, &p.bind_group, &[]);
        let tile = p.tiles.size();
        pass.dispatch_workgroups(p.n.div_ceil(tile), p.m.div_ceil(tile), 1);
    }

    /// c[M, N] = op(a)·op(b) on the GPU with the chosen kernel, uploading the operands and reading the
    /// result back.
    #[allow(clippy::too_many_arguments)]
    pub async fn run(
        &self,
        tiles: Tiles,
        ctx: &GpuContext,
        a: &[f32],
        op_a: Operand,
        b: &[f32],
        op_b: Operand,
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
        let product = self.product_with(tiles, ctx, View::whole(&c_buf), a_view, b_view, (m, k, n), false);
        let mut encoder = ctx.device.create_command_encoder(&Default::default());
        {
            let mut pass = encoder.begin_compute_pass(&Default::default());
            self.dispatch(&mut pass, &product);
        }
        ctx.queue.submit([encoder.finish()]);
        ctx.read_f32(&c_buf, m * n).await
    }
}
