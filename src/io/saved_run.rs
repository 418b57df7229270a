//! A whole run saved and restored, so that the page can keep it (in IndexedDB) and a reload resumes
//! it exactly: every trained stage (and the finished autoencoder while a classifier trains), the
//! current phase's weights and optimizer state, where it is in
//! its epoch, the step counts, each phase's loss series, early stopping's best so far and the
//! learning-rate schedule's plateau watch. The same
//! safetensors container as model files, with metadata `format` "ae-playground run 1".

use crate::error::{Error, Result};
use crate::fail;
use crate::io::tensors::{meta_text, pack, unpack};
use crate::model::optim::Optimizer;
use crate::model::schedule::Plateau;
use crate::train::session::PhaseKind;
use crate::{Config, Dataset, Session};
use serde_json::json;
use std::rc::Rc;

pub const RUN_FORMAT: &str = "ae-playground run 1";

impl Session {
    /// The run as bytes (see the module's comment).
    pub fn save_run(&self) -> Vec<u8> {
        let t = &self.trainer;
        let state = t.state();
        let (epoch, cursor) = t.position();
        let mut tensors: Vec<(String, Vec<usize>, &[f32])> = Vec::new();
        for (k, stage) in self.stages.iter().enumerate() {
            tensors.push((format!("stages.{k}"), vec![stage.params.len()], &stage.params));
        }
        if let Some((net, _)) = &self.autoencoder {
            tensors.push(("autoencoder".into(), vec![net.params.len()], &net.params));
        }
        let o = &state.optimizer;
        tensors.push(("params".into(), vec![state.params.len()], &state.params));
        tensors.push(("optimizer.m".into(), vec![o.m.len()], &o.m));
        tensors.push(("optimizer.v".into(), vec![o.v.len()], &o.v));
        if let Some((_, _, params)) = &self.best {
            tensors.push(("best".into(), vec![params.len()], params));
        }
        let metadata = json!({
            "format": RUN_FORMAT,
            "config": serde_json::to_string(&self.config).unwrap_or_default(),
            "dataset": format!("{} ({} samples of {})", self.data.name, self.data.len(), self.data.dim()),
            "run": json!({
                "current": self.current,
                "step": self.step,
                "phaseStep": t.step,
                "epoch": epoch,
                "cursor": cursor,
                "optimizerT": o.t,
                "history": thinned(&self.history),
                "stoppedEarly": self.stopped_early,
                "best": self.best.as_ref().map(|(loss, epoch, _)| (loss, epoch)),
                "plateau": t.plateau,
            })
            .to_string(),
        });
        pack(metadata, &tensors)
    }

    /// The run saved by `save_run`, on `data` (the dataset it was saved with). A file that does not
    /// fit is refused with what does not.
    pub fn restore_run(data: impl Into<Rc<Dataset>>, bytes: &[u8]) -> Result<Session> {
        let data: Rc<Dataset> = data.into();
        let (meta, tensors) = unpack(bytes)?;
        if meta_text(&meta, "format")? != RUN_FORMAT {
            fail!("saved run format {:?} is not {RUN_FORMAT:?}", meta_text(&meta, "format")?);
        }
        let bad = |e: serde_json::Error| Error::new(format!("saved run: {e}"));
        let config: Config = serde_json::from_str(meta_text(&meta, "config")?).map_err(bad)?;
        let dataset = format!("{} ({} samples of {})", data.name, data.len(), data.dim());
        if meta_text(&meta, "dataset")? != dataset {
            fail!("the run was saved on {}, not on {dataset}", meta_text(&meta, "dataset")?);
        }
        let run: Run = serde_json::from_str(meta_text(&meta, "run")?).map_err(bad)?;
        let tensor = |name: &str, len: usize| -> Result<Vec<f32>> {
            match tensors.iter().find(|(n, _, _)| n == name) {
                Some((_, _, values)) if values.len() == len => Ok(values.clone()),
                Some((_, _, values)) => fail!("saved run: {name} has {} values, this model needs {len}", values.len()),
                None => fail!("saved run: no {name}"),
            }
        };
        let mut s = Session::new(config, data)?;
        if run.current >= s.phases.len() || run.history.len() != s.phases.len() {
            fail!(
                "saved run: phase {} of {} does not fit this model's {} phases",
                run.current,
                run.history.len(),
                s.phases.len()
            );
        }
        for k in 0..run.current {
            let len = s.trainer.phase.net.params.len();
            let name = match s.phases[k] {
                PhaseKind::Stage(_) => format!("stages.{k}"),
                _ => "autoencoder".into(),
            };
            let optimizer = s.trainer.state().optimizer;
            s.trainer.load_state(tensor(&name, len)?, optimizer)?;
            s.advance()?;
        }
        let t = &mut s.trainer;
        let len = t.phase.net.params.len();
        let fresh = t.state().optimizer;
        let optimizer = Optimizer {
            m: tensor("optimizer.m", fresh.m.len())?,
            v: tensor("optimizer.v", fresh.v.len())?,
            t: run.optimizer_t,
            ..fresh
        };
        t.load_state(tensor("params", len)?, optimizer)?;
        t.resume_at(run.phase_step, run.epoch, run.cursor)?;
        t.plateau = run.plateau;
        s.step = run.step;
        s.history = run.history;
        s.stopped_early = run.stopped_early;
        s.best = match run.best {
            Some((loss, epoch)) => Some((loss, epoch, tensor("best", len)?)),
            None => None,
        };
        Ok(s)
    }
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    current: usize,
    step: u64,
    phase_step: u64,
    epoch: u32,
    cursor: usize,
    optimizer_t: u32,
    history: Vec<Vec<(u64, f32)>>,
    stopped_early: bool,
    best: Option<(f64, u32)>,
    /// The schedule's plateau watch (runs saved before schedules have none).
    #[serde(default)]
    plateau: Plateau,
}

/// Loss points kept per phase in a saved run: a phase's curve beyond this is thinned (every k-th point
/// and its last), so that the file's header stays far below the 100 MB safetensors allows (about 22
/// bytes a point).
const SAVED_POINTS: usize = 200_000;

fn thinned(history: &[Vec<(u64, f32)>]) -> Vec<Vec<(u64, f32)>> {
    history
        .iter()
        .map(|series| {
            if series.len() <= SAVED_POINTS {
                return series.clone();
            }
            let every = series.len().div_ceil(SAVED_POINTS);
            let mut kept: Vec<_> = series.iter().step_by(every).copied().collect();
            if kept.last() != series.last() {
                kept.extend(series.last());
            }
            kept
        })
        .collect()
}
