//! A session's steps on its device, written once for the CPU and the GPU: runs of steps between
//! epoch starts (on the GPU submitted, their loss read back after each run), the step that begins an
//! epoch followed by the decisions it brings (early stopping, the next phase) on the weights in hand,
//! and the switch between devices — chosen, or forced when the GPU is lost or errs — carrying the
//! weights and optimizer state across.

use crate::error::Result;
use crate::fail;
use crate::train::engine::device::{now, Device};
use crate::train::session::{BackendInUse, Session};
use crate::train::trainer::{StepLoss, Trainer};
use serde::Deserialize;

/// Steps on the GPU between read-backs of the loss (which also keep its queue from running ahead).
const GPU_RUN: u32 = 8;

/// The engine a person asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum EngineChoice {
    /// WebGPU on a hardware adapter; the CPU engine on a software one (it is faster there).
    Auto,
    Cpu,
    Webgpu,
}

/// What `train` did: the steps taken, how many of them had their loss read (on the GPU the last
/// loss of a run stands for the run; none when the GPU failed before a read), and the mean of those.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Trained {
    pub steps: u32,
    pub read: u32,
    pub loss: Option<f64>,
}

impl Session {
    /// Up to `steps` steps, fewer when training finishes or a phase ends (so that each phase's
    /// figures stay apart). A divergence rolls back to the last good state and fails with what to do;
    /// a GPU that is lost or errs hands training to the CPU (see `backend`).
    pub async fn train(&mut self, steps: u32) -> Result<Trained> {
        let (phase, mut taken, mut sum, mut read) = (self.current, 0, 0.0, 0);
        while taken < steps && self.current == phase {
            self.check_can_train()?;
            let run = if self.trainer.on_gpu() { (steps - taken).min(GPU_RUN) } else { 1 };
            let run = run.min(self.steps_left_in_epoch() as u32);
            let (n, loss) = if run > 0 { self.run_within_epoch(run).await? } else { (1, self.epoch_step().await?) };
            taken += n;
            if let Some(loss) = loss {
                sum += loss * n as f64;
                read += n;
            }
            if self.finished() {
                break;
            }
        }
        Ok(Trained { steps: taken, read, loss: (read > 0).then(|| sum / read as f64) })
    }

    /// One step, on the CPU (the GPU answers asynchronously: use `train`).
    pub fn train_step(&mut self) -> Result<StepLoss> {
        if self.trainer.on_gpu() {
            fail!("on the GPU a step is read back asynchronously: use Session::train");
        }
        match now(self.train(1)) {
            Some(Ok(Trained { loss: Some(loss), .. })) => Ok(StepLoss { loss }),
            Some(Ok(_)) => fail!("the step's loss could not be read"),
            Some(Err(e)) => Err(e),
            None => fail!("the CPU engine's step did not finish at once"),
        }
    }

    /// `n` steps that start no epoch: on the CPU each with its loss, on the GPU submitted and the
    /// last one's loss read back.
    async fn run_within_epoch(&mut self, n: u32) -> Result<(u32, Option<f64>)> {
        for _ in 0..n {
            let loss = self.trainer.train_step(&self.data)?;
            self.step += 1;
            if let Some(loss) = loss {
                self.record_loss(loss as f32);
                return Ok((1, Some(loss)));
            }
        }
        Ok((n, self.gpu_loss().await?))
    }

    /// The step that begins an epoch, then the decisions it brings, on the weights read back.
    async fn epoch_step(&mut self) -> Result<Option<f64>> {
        let epoch = self.trainer.epoch;
        let loss = self.trainer.train_step(&self.data)?;
        self.step += 1;
        let loss = match loss {
            Some(loss) => {
                self.record_loss(loss as f32);
                Some(loss)
            }
            None => self.gpu_loss().await?,
        };
        self.sync().await?;
        if self.trainer.epoch != epoch {
            self.after_epoch(epoch)?;
        }
        Ok(loss)
    }

    /// The last GPU step's loss, recorded; a non-finite one rolls back; a failed device hands over
    /// to the CPU (then None).
    async fn gpu_loss(&mut self) -> Result<Option<f64>> {
        let loss = self.trainer.loss().await;
        if let Some(why) = self.device.failure() {
            self.fall_back(&why)?;
            return Ok(None);
        }
        let loss = match loss {
            Ok(loss) => loss,
            Err(e) => {
                self.fall_back(&e.message)?;
                return Ok(None);
            }
        };
        if !loss.is_finite() {
            return self.trainer.roll_back(format!("the loss became {loss} on the GPU"));
        }
        self.record_loss(loss);
        Ok(Some(loss as f64))
    }

    /// Brings the GPU's weights and optimizer state back for evaluation, the views and files (nothing
    /// to do on the CPU). A divergence found there rolls back and fails; a failed device hands
    /// training to the CPU from the state last read back.
    pub async fn sync(&mut self) -> Result<()> {
        let unread = self.trainer.sync().await?;
        match self.device.failure().or(unread) {
            Some(why) => self.fall_back(&why),
            None => Ok(()),
        }
    }

    /// The engine in use and why.
    pub fn backend(&self) -> &BackendInUse {
        &self.backend
    }

    /// Trains on the CPU engine, `why` saying why not on the GPU.
    pub fn use_cpu(&mut self, why: &str) -> Result<()> {
        self.move_to(Device::Cpu, BackendInUse { name: "CPU", reason: why.to_string() })
    }

    /// Trains where `choice` and the GPU found (`gpu`, or why there is none) allow. A model that
    /// cannot train on the GPU trains on the CPU, and `backend` says why.
    #[cfg(feature = "gpu")]
    pub fn use_engine(
        &mut self,
        choice: EngineChoice,
        gpu: std::result::Result<&crate::kernels::gpu::GpuContext, &str>,
    ) -> Result<()> {
        let why = match (choice, gpu) {
            (EngineChoice::Cpu, _) => "the CPU engine was chosen".to_string(),
            (_, Err(why)) => why.to_string(),
            (EngineChoice::Auto, Ok(ctx)) if ctx.software => format!(
                "the WebGPU adapter ({}) is a software fallback, slower than the CPU engine; choose WebGPU to use it anyway",
                ctx.adapter
            ),
            (_, Ok(ctx)) => {
                let on_gpu = BackendInUse { name: "WebGPU", reason: ctx.adapter.clone() };
                match self.move_to(Device::Gpu(ctx.clone()), on_gpu) {
                    Ok(()) => return Ok(()),
                    Err(e) => format!("this model cannot train on the GPU: {}", e.message),
                }
            }
        };
        self.use_cpu(&why)
    }

    fn move_to(&mut self, device: Device, backend: BackendInUse) -> Result<()> {
        // Already on the CPU, the engine stays as it is; only what the page says changes.
        if device.is_gpu() || self.trainer.on_gpu() {
            self.trainer.move_to(&device)?;
        }
        self.device = device;
        self.backend = backend;
        Ok(())
    }

    /// The GPU failed: training goes on on the CPU from the state last read back.
    fn fall_back(&mut self, why: &str) -> Result<()> {
        let why = format!("{why}; training continues on the CPU from the weights last read back");
        self.use_cpu(&why)
    }

    /// The current phase's trainer on the session's device, or on the CPU when the GPU refuses it.
    pub(crate) fn next_trainer(&mut self) -> Result<Trainer> {
        let kind = self.phase();
        let make = |s: &Session, device: &Device| {
            Session::trainer(&s.config, &s.data, kind, &s.stages, s.autoencoder.as_ref(), device)
        };
        match make(self, &self.device) {
            Err(e) if self.device.is_gpu() => {
                self.device = Device::Cpu;
                self.backend = BackendInUse {
                    name: "CPU",
                    reason: format!("the {} phase cannot train on the GPU: {}", kind.name(), e.message),
                };
                make(self, &Device::Cpu)
            }
            made => made,
        }
    }
}
