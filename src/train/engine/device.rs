//! The device a session trains on, and its engine: the plain-loop CPU reference, or WebGPU. The engine
//! on it owns the weights and the optimizer's state; moving to the other device carries them across.

use super::{Engine, State};
use crate::error::Result;
use crate::model::optim::Optimizer;
use crate::rng::Stream;
use crate::train::backend::cpu::CpuBackend;
use crate::train::phase::Phase;
use std::future::Future;
use std::pin::Pin;

#[cfg(feature = "gpu")]
use crate::kernels::gpu::GpuContext;
#[cfg(feature = "gpu")]
use crate::train::backend::gpu::GpuBackend;

/// Where training runs.
#[derive(Clone)]
pub enum Device {
    Cpu,
    #[cfg(feature = "gpu")]
    Gpu(GpuContext),
}

impl Device {
    pub fn is_gpu(&self) -> bool {
        !matches!(self, Device::Cpu)
    }

    /// Why the device stopped working (lost, or a GPU error), once it has; the CPU never does.
    pub fn failure(&self) -> Option<String> {
        match self {
            Device::Cpu => None,
            #[cfg(feature = "gpu")]
            Device::Gpu(ctx) => ctx.failure(),
        }
    }
}

/// A future reading back from an engine (boxed: each backend's has its own type).
pub type Reading<T> = Pin<Box<dyn Future<Output = Result<T>>>>;

/// A phase's engine on one device.
pub enum AnyEngine {
    Cpu(Box<Engine<CpuBackend<f32>>>),
    #[cfg(feature = "gpu")]
    Gpu(Box<Engine<GpuBackend>>),
}

/// The same call on whichever engine it is.
macro_rules! on_engine {
    ($self:expr, $e:ident => $body:expr) => {
        match $self {
            AnyEngine::Cpu($e) => $body,
            #[cfg(feature = "gpu")]
            AnyEngine::Gpu($e) => $body,
        }
    };
}

impl AnyEngine {
    /// The phase's engine on `device`, starting from `state` (weights and optimizer).
    pub fn new(device: &Device, phase: &Phase, state: &State) -> Result<Self> {
        let engine = match device {
            Device::Cpu => AnyEngine::Cpu(Box::new(Engine::new(CpuBackend::new(), phase, &state.optimizer)?)),
            #[cfg(feature = "gpu")]
            Device::Gpu(ctx) => AnyEngine::Gpu(Box::new(Engine::new(GpuBackend::new(ctx), phase, &state.optimizer)?)),
        };
        // The engine starts from the phase's weights and the state's moments; other weights go in now.
        let mut engine = engine;
        if state.params != phase.net.params {
            engine.upload_state(&state.params, &state.optimizer)?;
        }
        Ok(engine)
    }

    pub fn on_gpu(&self) -> bool {
        !matches!(self, AnyEngine::Cpu(_))
    }

    pub fn step(
        &mut self,
        clean: &[f32],
        labels: &[u8],
        corrupt: Option<Stream>,
        sample: Option<Stream>,
    ) -> Result<()> {
        on_engine!(self, e => e.step(clean, labels, corrupt, sample))
    }

    pub fn upload_state(&mut self, params: &[f32], optimizer: &Optimizer) -> Result<()> {
        on_engine!(self, e => e.upload_state(params, optimizer))
    }

    pub fn set_optimizer(&mut self, optimizer: &Optimizer) -> Result<()> {
        on_engine!(self, e => e.set_optimizer(optimizer))
    }

    /// What the schedule multiplies the learning rate by from the next step on.
    pub fn set_rate_factor(&mut self, factor: f64) {
        on_engine!(self, e => e.set_rate_factor(factor))
    }

    /// The optimizer's settings and step count (its moments are in the engine's buffers).
    pub fn optimizer(&self) -> &Optimizer {
        on_engine!(self, e => e.optimizer())
    }

    /// The state after the steps run so far (ready at once on the CPU).
    pub fn read_state(&self) -> Reading<State> {
        on_engine!(self, e => Box::pin(e.read_state()))
    }

    /// The current weights (ready at once on the CPU).
    pub fn params(&self) -> Reading<Vec<f32>> {
        on_engine!(self, e => Box::pin(e.params_future()))
    }

    /// Whether every weight is finite: checked in place on the CPU; on the GPU, see `Trainer::sync`.
    pub fn params_are_finite(&self) -> bool {
        match self {
            AnyEngine::Cpu(e) => e.params_are_finite(),
            #[cfg(feature = "gpu")]
            AnyEngine::Gpu(_) => true,
        }
    }

    /// The last step's loss (ready at once on the CPU).
    pub fn loss(&self) -> Reading<f32> {
        on_engine!(self, e => Box::pin(e.loss_future()))
    }
}

/// The output of a future that is ready at once (every read of the CPU engine is), or None.
pub fn now<F: Future>(future: F) -> Option<F::Output> {
    let mut future = std::pin::pin!(future);
    match future.as_mut().poll(&mut std::task::Context::from_waker(std::task::Waker::noop())) {
        std::task::Poll::Ready(value) => Some(value),
        std::task::Poll::Pending => None,
    }
}
