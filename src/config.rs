//! What a person can set, with defaults and validation that explains what is wrong. Crosses the wasm
//! boundary as JSON-like objects (camelCase) and lives in the page's URL hash.

use crate::error::Result;
use crate::fail;
use crate::layers::Activation;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct Config {
    /// Encoder layer widths, input side first; the last is the code. The decoder mirrors them.
    pub hidden: Vec<usize>,
    /// Activation of the hidden layers (the output layer is sigmoid: pixels lie in 0..1).
    pub activation: Activation,
    /// f64 so that a value typed in the page round-trips exactly through JSON and the URL.
    pub learning_rate: f64,
    pub batch_size: usize,
    pub seed: u32,
}

impl Default for Config {
    fn default() -> Self {
        Config { hidden: vec![32], activation: Activation::Sigmoid, learning_rate: 0.003, batch_size: 64, seed: 1 }
    }
}

pub const MAX_WIDTH: usize = 8192;
pub const MAX_BATCH: usize = 4096;

impl Config {
    pub fn validate(&self) -> Result<()> {
        if self.hidden.is_empty() {
            fail!("hidden: give at least one layer width (the code size)");
        }
        for (i, &w) in self.hidden.iter().enumerate() {
            if w == 0 || w > MAX_WIDTH {
                fail!("hidden layer {} has width {w}: widths must be between 1 and {MAX_WIDTH}", i + 1);
            }
        }
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0) {
            fail!("learningRate {} must be a positive number (try 0.001)", self.learning_rate);
        }
        if self.batch_size == 0 || self.batch_size > MAX_BATCH {
            fail!("batchSize {} must be between 1 and {MAX_BATCH}", self.batch_size);
        }
        Ok(())
    }
}
