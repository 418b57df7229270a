//! The WGSL matmul kernels and variants of them, each checked against the CPU reference on ragged shapes with every
//! transpose, then timed at 2048³ and 4096³ with WebGPU's runtime checks and without: the evidence
//! for the kernels src/kernels/gpu keeps. `cargo bench --bench gemm_variants` (on a real GPU: on a software
//! adapter it takes minutes and says nothing about speed).

use ae_playground::kernels::gpu::matmul::{large_source, small_source, PADDED_STAGING_BYTES};
use ae_playground::kernels::gpu::GpuContext;
use ae_playground::kernels::matmul::{matmul_reference, Operand};
use ae_playground::rng::{Purpose, Rng};
use std::time::Instant;
use wgpu::util::DeviceExt;

const COMMON: &str = include_str!("../src/kernels/gpu/matmul_common.wgsl");
const SCALAR: &str = include_str!("../src/kernels/gpu/matmul_scalar.wgsl");

struct Variant {
    name: &'static str,
    source: String,
    entry: &'static str,
    rows: u32,
    cols: u32,
    /// Reads its operands as vectors of 4: only for M, K, N and offsets that are multiples of 4.
    aligned: bool,
}

/// The kernels src/kernels/gpu builds (the large one four ways: staged rows swizzled or padded, operands read
/// as scalars or vectors), then the variants that lost, each the large kernel with one thing changed.
fn variants(ctx: &GpuContext) -> Vec<Variant> {
    let v = |name, source, entry, (rows, cols), aligned| Variant { name, source, entry, rows, cols, aligned };
    let mut all = vec![v("64×64, 4×4 (matmul.wgsl)", small_source(), "matmul", (64, 64), false)];
    let can_pad = ctx.device.limits().max_compute_workgroup_storage_size >= PADDED_STAGING_BYTES;
    for padded in [false, true].into_iter().filter(|&padded| !padded || can_pad) {
        let (scalar, vectors) = if padded {
            ("128×128, 8×8, padded rows", "128×128, 8×8, vectors, padded rows")
        } else {
            ("128×128, 8×8, swizzled rows", "128×128, 8×8, vectors, swizzled rows")
        };
        all.push(v(scalar, large_source(padded, false), "matmul", (128, 128), false));
        all.push(v(vectors, large_source(padded, true), "matmul", (128, 128), true));
    }
    if can_pad {
        let double = large_source(true, false) + include_str!("gemm_variants/large_double.wgsl");
        all.push(v("128×128, 8×8, padded, two staging buffers", double, "variant", (128, 128), false));
    }
    let loops = large_source(false, false) + include_str!("gemm_variants/large_loops.wgsl");
    all.push(v("128×128, 8×8, swizzled, k loop", loops, "variant", (128, 128), false));
    let tall = [COMMON, SCALAR, include_str!("gemm_variants/tall.wgsl")].concat();
    all.push(v("128×64, 8×4", tall, "variant", (128, 64), false));
    all
}

fn random(len: usize, counter: u32) -> Vec<f32> {
    let s = Rng::new(5).stream(Purpose::Sample, counter);
    (0..len as u32).map(|i| s.uniform(i) * 2.0 - 1.0).collect()
}

struct Kernel {
    pipeline: wgpu::ComputePipeline,
    rows: u32,
    cols: u32,
    aligned: bool,
}

impl Kernel {
    fn new(ctx: &GpuContext, v: &Variant, checked: bool) -> Kernel {
        let desc = wgpu::ShaderModuleDescriptor {
            label: Some(v.name),
            source: wgpu::ShaderSource::Wgsl(v.source.as_str().into()),
        };
        let module = if checked {
            ctx.device.create_shader_module(desc)
        } else {
            // SAFETY: every variant indexes in bounds and loops over bounded ranges (checked below).
            unsafe { ctx.device.create_shader_module_trusted(desc, wgpu::ShaderRuntimeChecks::unchecked()) }
        };
        let pipeline = ctx.device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
            label: Some(v.name),
            layout: None,
            module: &module,
            entry_point: Some(v.entry),
            compilation_options: Default::default(),
            cache: None,
        });
        Kernel { pipeline, rows: v.rows, cols: v.cols, aligned: v.aligned }
    }

    /// Records `reps` products c = op(a)·op(b) of shape (m, k, n) and submits them.
    #[allow(clippy::too_many_arguments)]
    fn submit(
        &self,
        ctx: &GpuContext,
        a: &wgpu::Buffer,
        b: &wgpu::Buffer,
        c: &wgpu::Buffer,
        (m, k, n): (usize, usize, usize),
        ops: (Operand, Operand),
        reps: usize,
    ) {
        let flag = |op| u32::from(op == Operand::Transposed);
        let dims = [m as u32, k as u32, n as u32, flag(ops.0), flag(ops.1), 0, 0, 0, 0, 0, 0, 0];
        let dims = ctx.device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: None,
            contents: bytemuck::cast_slice(&dims),
            usage: wgpu::BufferUsages::UNIFORM,
        });
        let bind_group = ctx.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: None,
            layout: &self.pipeline.get_bind_group_layout(0),
            entries: &[
                wgpu::BindGroupEntry { binding: 0, resource: dims.as_entire_binding() },
                wgpu::BindGroupEntry { binding: 1, resource: a.as_entire_binding() },
                wgpu::BindGroupEntry { binding: 2, resource: b.as_entire_binding() },
                wgpu::BindGroupEntry { binding: 3, resource: c.as_entire_binding() },
            ],
        });
        let mut encoder = ctx.device.create_command_encoder(&Default::default());
        {
            let mut pass = encoder.begin_compute_pass(&Default::default());
            pass.set_pipeline(&self.pipeline);
            pass.set_bind_group(0, &bind_group, &[]);
            for _ in 0..reps {
                pass.dispatch_workgroups((n as u32).div_ceil(self.cols), (m as u32).div_ceil(self.rows), 1);
            }
        }
        ctx.queue.submit([encoder.finish()]);
    }

    /// The worst relative difference from the CPU reference over ragged shapes and every transpose.
    fn worst_error(&self, ctx: &GpuContext) -> f32 {
        let mut worst = 0.0f32;
        let shapes = if self.aligned {
            [(260, 300, 132), (64, 16, 64), (4, 8, 4)]
        } else {
            [(257, 300, 131), (64, 16, 64), (1, 5, 1)]
        };
        for (m, k, n) in shapes {
            for ops in [
                (Operand::Plain, Operand::Plain),
                (Operand::Transposed, Operand::Plain),
                (Operand::Plain, Operand::Transposed),
                (Operand::Transposed, Operand::Transposed),
            ] {
                let (a, b) = (random(m * k, 1), random(k * n, 2));
                let c = ctx.upload("c", &vec![f32::NAN; m * n]); // poisoned: every element must be written
                self.submit(ctx, &ctx.upload("a", &a), &ctx.upload("b", &b), &c, (m, k, n), ops, 1);
                let gpu = pollster::block_on(ctx.read_f32(&c, m * n)).unwrap();
                let mut cpu = vec![0.0; m * n];
                matmul_reference(&mut cpu, &a, ops.0, &b, ops.1, m, k, n, false);
                for (g, c) in gpu.iter().zip(&cpu) {
                    let e = (g - c).abs() / (1.0 + c.abs());
                    worst = if e.is_nan() { f32::INFINITY } else { worst.max(e) };
                }
            }
        }
        worst
    }

    /// GFLOPS of c = a·b at n³: batches of about 0.3 s, each waited for, best of 3.
    fn gflops(&self, ctx: &GpuContext, n: usize) -> f64 {
        let (a, b, c) =
            (ctx.upload("a", &random(n * n, 3)), ctx.upload("b", &random(n * n, 4)), ctx.storage("c", n * n));
        let run = |reps| {
            let start = Instant::now();
            self.submit(ctx, &a, &b, &c, (n, n, n), (Operand::Plain, Operand::Plain), reps);
            pollster::block_on(ctx.read_f32(&c, 1)).unwrap();
            start.elapsed().as_secs_f64() / reps as f64
        };
        run(1);
        let reps = ((0.3 / run(1)) as usize).clamp(1, 1000);
        let best = (0..3).map(|_| run(reps)).fold(f64::MAX, f64::min);
        2.0 * (n as f64).powi(3) / best / 1e9
    }
}

fn main() {
    let ctx = pollster::block_on(GpuContext::new()).expect("a GPU");
    println!("WGSL matmul variants on {}; GFLOPS of C = A·B, best of 3 batches\n", ctx.adapter);
    let sizes = if ctx.software { vec![256] } else { vec![1024, 2048, 4096] };
    let columns: Vec<String> = sizes.iter().map(|n| format!("{n}³")).collect();
    println!("| variant | checks | worst error | {} |", columns.join(" | "));
    println!("|---|---|---|{}", "---|".repeat(sizes.len()));
    for v in variants(&ctx) {
        for checked in [true, false] {
            let kernel = Kernel::new(&ctx, &v, checked);
            let error = kernel.worst_error(&ctx);
            let g: Vec<String> = sizes.iter().map(|&n| format!("{:.0}", kernel.gflops(&ctx, n))).collect();
            println!("| {} | {} | {error:.1e} | {} |", v.name, if checked { "all" } else { "none" }, g.join(" | "));
        }
    }
}
