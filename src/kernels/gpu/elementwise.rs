//! Drives elementwise.wgsl: one pipeline per entry point, built once. A launch (uniform, bind group,
//! dispatch size) is built once per use site; a training step only dispatches it.

use super::GpuContext;
use crate::error::{Error, Result};

/// Invocations per workgroup; a loss sum covers one workgroup's values.
const WORKGROUP: u32 = crate::train::backend::LOSS_SUM_SPAN as u32;

/// elementwise.wgsl after the constants it shares with the Rust side, defined once there.
fn source() -> String {
    let leak = crate::model::layers::LEAK;
    format!("const WORKGROUP: u32 = {WORKGROUP}u;\nconst LEAK: f32 = {leak:?};\n{}", include_str!("elementwise.wgsl"))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry {
    BiasActivation,
    ActivationBackward,
    ColumnSum,
    ActivationBiasBackward,
    Loss,
    Adam,
    Sgd,
    L1Gradient,
    ColumnMean,
    KlGradient,
    KSparseForward,
    KSparseBackward,
    ReparamForward,
    ReparamBackward,
    ContractiveSums,
    ContractiveDz,
    ContractiveDw,
    Corrupt,
    SoftmaxXent,
    SampleUnits,
    ScaledCopy,
}

impl Entry {
    const ALL: [Entry; 21] = [
        Entry::BiasActivation,
        Entry::ActivationBackward,
        Entry::ColumnSum,
        Entry::ActivationBiasBackward,
        Entry::Loss,
        Entry::Adam,
        Entry::Sgd,
        Entry::L1Gradient,
        Entry::ColumnMean,
        Entry::KlGradient,
        Entry::KSparseForward,
        Entry::KSparseBackward,
        Entry::ReparamForward,
        Entry::ReparamBackward,
        Entry::ContractiveSums,
        Entry::ContractiveDz,
        Entry::ContractiveDw,
        Entry::Corrupt,
        Entry::SoftmaxXent,
        Entry::SampleUnits,
        Entry::ScaledCopy,
    ];

    fn name(self) -> &'static str {
        match self {
            Entry::BiasActivation => "bias_activation",
            Entry::ActivationBackward => "activation_backward",
            Entry::ColumnSum => "column_sum",
            Entry::ActivationBiasBackward => "activation_bias_backward",
            Entry::Loss => "loss",
            Entry::Adam => "adam",
            Entry::Sgd => "sgd",
            Entry::L1Gradient => "l1_gradient",
            Entry::ColumnMean => "column_mean",
            Entry::KlGradient => "kl_gradient",
            Entry::KSparseForward => "k_sparse_forward",
            Entry::KSparseBackward => "k_sparse_backward",
            Entry::ReparamForward => "reparam_forward",
            Entry::ReparamBackward => "reparam_backward",
            Entry::ContractiveSums => "contractive_sums",
            Entry::ContractiveDz => "contractive_dz",
            Entry::ContractiveDw => "contractive_dw",
            Entry::Corrupt => "corrupt",
            Entry::SoftmaxXent => "softmax_xent",
            Entry::SampleUnits => "sample_units",
            Entry::ScaledCopy => "scaled_copy",
        }
    }
}

/// The activation codes the kernels switch on (`activate` and `slope` in elementwise.wgsl).
pub fn act_code(a: crate::model::layers::Activation) -> u32 {
    use crate::model::layers::Activation;
    match a {
        Activation::Sigmoid => 0,
        Activation::Tanh => 1,
        Activation::Relu => 2,
        Activation::LeakyRelu => 3,
        Activation::Linear => 4,
    }
}

/// The uniform every launch reads (layout of `Params` in elementwise.wgsl).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, bytemuck::Pod, bytemuck::Zeroable)]
pub struct Params {
    pub n: u32,
    pub width: u32,
    pub rows: u32,
    pub act: u32,
    pub off: u32,
    /// sample_units: which substream of the step's sample stream it draws from.
    pub draw: u32,
    pub pad: [u32; 2],
    pub scale: f32,
    pub lr: f32,
    pub beta1: f32,
    pub beta2: f32,
    pub eps: f32,
    pub c1: f32,
    pub c2: f32,
    pub decay: f32,
    pub momentum: f32,
    pub rho: f32,
    pub k: u32,
    pub pad_f: f32,
    pub keys: [u32; 4],
    pub masking: f32,
    pub salt_pepper: f32,
    pub gaussian: f32,
    pub pad_g: f32,
}

pub struct Launch {
    pub entry: Entry,
    /// The uniform's values as recorded (a step rewrites the few that change).
    pub params: Params,
    pub uniform: wgpu::Buffer,
    bind_group: wgpu::BindGroup,
    groups: u32,
}

pub struct Elementwise {
    pipelines: Vec<wgpu::ComputePipeline>,
}

impl Elementwise {
    pub fn new(ctx: &GpuContext) -> Self {
        let module = ctx.device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("elementwise.wgsl"),
            source: wgpu::ShaderSource::Wgsl(source().into()),
        });
        let pipelines = Entry::ALL
            .iter()
            .map(|e| {
                ctx.device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
                    label: Some(e.name()),
                    layout: None,
                    module: &module,
                    entry_point: Some(e.name()),
                    compilation_options: Default::default(),
                    cache: None,
                })
            })
            .collect();
        Elementwise { pipelines }
    }

    fn pipeline(&self, entry: Entry) -> &wgpu::ComputePipeline {
        &self.pipelines[Entry::ALL.iter().position(|&e| e == entry).unwrap()]
    }

    /// A launch of `entry` over `threads` invocations with `buffers` bound to bindings 1, 2, ….
    pub fn launch(
        &self,
        ctx: &GpuContext,
        entry: Entry,
        params: Params,
        buffers: &[&wgpu::Buffer],
        threads: usize,
    ) -> Result<Launch> {
        let groups = (threads as u32).div_ceil(WORKGROUP);
        if groups > ctx.device.limits().max_compute_workgroups_per_dimension {
            return Err(Error::new(format!("{}: {threads} elements exceed one dispatch on this GPU", entry.name())));
        }
        let (uniform, bind_group) = ctx.bind(entry.name(), self.pipeline(entry), bytemuck::bytes_of(&params), buffers);
        Ok(Launch { entry, params, uniform, bind_group, groups: groups.max(1) })
    }

    pub fn dispatch(&self, pass: &mut wgpu::ComputePass, launch: &Launch) {
        pass.set_pipeline(self.pipeline(launch.entry));
        pass.set_bind_group(0, &launch.bind_group, &[]);
        pass.dispatch_workgroups(launch.groups, 1, 1);
    }
}
