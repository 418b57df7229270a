//! What defines one phase of training, apart from the optimizer's state: the net, its code op, its
//! penalties and corruption, its task, the frozen layers in front and the rows it trains on. It sits
//! below both the trainer and the engine, which each read it.

use crate::model::corrupt::Noise;
use crate::model::layers::Loss;
use crate::model::net::{CodePenalties, Net};
use crate::model::schedule::Schedule;

#[derive(Clone, Debug, PartialEq)]
pub enum Task {
    /// Reconstruct the (clean) input.
    Reconstruct(Loss),
    /// Predict the dataset's labels.
    Classify,
}

/// Everything that defines a phase except the optimizer's state.
#[derive(Clone)]
pub struct Phase {
    pub net: Net<f32>,
    /// The code op, where penalties apply.
    pub code: Option<usize>,
    pub penalties: CodePenalties,
    pub noise: Noise,
    pub task: Task,
    /// Frozen layers mapping dataset rows to this net's input (the lower stages).
    pub frozen: Option<Net<f32>>,
    /// Dataset rows trained on.
    pub rows: Vec<usize>,
    pub batch_size: usize,
    pub seed: u32,
    /// The learning rate's schedule over the phase.
    pub schedule: Schedule,
    /// An RBM stage's Gibbs steps per update (CD-k) in place of backpropagation; 0: backpropagation.
    /// The net is then one dense layer and its tied decoder (see model/rbm.rs).
    pub cd_steps: usize,
}

impl Phase {
    /// An autoencoder trained end to end as a config says (batch size, loss, penalties, corruption,
    /// seed), with `code` its code op, on dataset `rows`.
    pub fn reconstruction(net: Net<f32>, code: usize, c: &crate::model::config::Config, rows: Vec<usize>) -> Phase {
        Phase {
            net,
            code: Some(code),
            penalties: c.code_penalties(),
            noise: c.noise(),
            task: Task::Reconstruct(c.loss),
            frozen: None,
            rows,
            batch_size: c.batch_size,
            seed: c.seed,
            schedule: Schedule::default(),
            cd_steps: 0,
        }
    }
}
