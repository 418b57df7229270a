//! The launches a WebGPU step is made of, and their values that change from step to step: the
//! corruption's and sampling's stream keys, the learning rate and Adam's bias corrections.

use crate::kernels::gpu::conv::ConvLaunch;
use crate::kernels::gpu::elementwise::{Entry, Launch, Params};
use crate::kernels::gpu::matmul::Product;
use crate::model::corrupt::Noise;
use crate::model::optim::{ADAM_BETA1, ADAM_BETA2};
use crate::train::backend::StepValues;

/// One dispatch of a recorded step, built once.
pub enum GpuLaunch {
    Matmul(Product),
    Elementwise(Launch),
    Conv(ConvLaunch),
}

/// Writes this step's values into the uniforms of the launches that take them.
pub(super) fn write_step_values<'a>(
    queue: &wgpu::Queue,
    launches: impl Iterator<Item = &'a GpuLaunch>,
    step: &StepValues,
) {
    for launch in launches {
        let GpuLaunch::Elementwise(l) = launch else { continue };
        if let Some(params) = step_params(l, step) {
            queue.write_buffer(&l.uniform, 0, bytemuck::bytes_of(&params));
        }
    }
}

/// The uniform of launch `l` for this step, where it changes per step (None: as recorded).
fn step_params(l: &Launch, step: &StepValues) -> Option<Params> {
    let recorded = l.params;
    Some(match (l.entry, step.corrupt) {
        (Entry::Corrupt, Some(stream)) => Params { keys: Noise::streams(stream).map(|s| s.key()), ..recorded },
        // No stream: the batch passes through clean, as on the CPU (rates 0 change nothing).
        (Entry::Corrupt, None) => Params { masking: 0.0, salt_pepper: 0.0, gaussian: 0.0, ..recorded },
        (Entry::Adam, _) => {
            let t = step.t as i32;
            let (c1, c2) = (1.0 - ADAM_BETA1.powi(t), 1.0 - ADAM_BETA2.powi(t));
            Params { c1, c2, lr: step.learning_rate, ..recorded }
        }
        (Entry::Sgd, _) => Params { lr: step.learning_rate, ..recorded },
        (Entry::SampleUnits, _) => match step.sample {
            Some(stream) => Params { k: 1, keys: [stream.substream(recorded.draw).key(), 0, 0, 0], ..recorded },
            None => Params { k: 0, ..recorded },
        },
        _ => return None,
    })
}
