//! What a person can set, with defaults and validation that explains what is wrong. Crosses the wasm
//! boundary as JSON (camelCase) and lives in the page's URL hash, so every field is flat.

use crate::error::Result;
use crate::fail;
use crate::model::corrupt::Noise;
use crate::model::layers::{Activation, Loss};
use crate::model::net::CodePenalties;
use crate::model::optim::OptimizerKind;
use serde::{Deserialize, Serialize};

/// One activation for every hidden layer, or one per encoder layer (the decoder mirrors them).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum PerLayer {
    All(Activation),
    Each(Vec<Activation>),
}

impl PerLayer {
    pub fn get(&self, layer: usize) -> Activation {
        match self {
            PerLayer::All(a) => *a,
            PerLayer::Each(list) => list[layer],
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct Config {
    /// Encoder layer widths, input side first; the last is the code. The decoder mirrors them.
    pub hidden: Vec<usize>,
    pub activation: PerLayer,
    /// The reconstruction's activation: sigmoid (values in 0..1) or linear.
    pub output_activation: Activation,
    pub loss: Loss,
    /// Decoder layers reuse the transposed encoder weights.
    pub tied: bool,
    pub optimizer: OptimizerKind,
    /// f64 so that a value typed in the page round-trips exactly through JSON and the URL.
    pub learning_rate: f64,
    /// SGD's momentum.
    pub momentum: f64,
    /// L2 weight decay, added to every gradient as decay × parameter.
    pub weight_decay: f64,
    pub batch_size: usize,
    /// Epochs of end-to-end training (or fine-tuning after pretraining); 0 trains until stopped.
    pub epochs: usize,
    pub seed: u32,
    /// Denoising: fraction of inputs zeroed, fraction set to 0 or 1, σ of added Gaussian noise.
    pub masking: f64,
    pub salt_pepper: f64,
    pub gaussian: f64,
    /// Sparsity: λ of L1 on the code; KL to a target rate ρ with weight β; keep the k largest code units (0: off).
    pub l1: f64,
    pub kl_target: f64,
    pub kl_weight: f64,
    pub k_sparse: usize,
    /// λ of the contractive penalty ‖J‖²_F on a one-layer encoder (or on each pretraining stage).
    pub contractive: f64,
    /// Variational autoencoder: μ and ln σ² heads, reparameterisation, β-weighted KL to N(0, I).
    pub variational: bool,
    pub beta: f64,
    /// Greedy layer-wise pretraining: epochs per stage; 0 trains the deep net end to end from random weights.
    pub pretrain_epochs: usize,
    /// Scale of the Glorot-uniform initial weights; 0 chooses by activation (sigmoid 4, ReLU √2, else 1).
    pub init_gain: f64,
    /// Fraction of the training rows held out for validation (the last ones; 0: none).
    pub validation: f64,
    /// Early stopping: end the last phase when the validation loss has not improved for this many
    /// epochs, keeping the best weights (0: off; needs validation).
    pub patience: usize,
    /// Epochs of a classifier phase after the autoencoder's: a softmax head on the code, trained on
    /// the dataset's labels (0: no classifier phase).
    pub classifier_epochs: usize,
    /// Labels per class the classifier sees, from a seeded shuffle of the training rows (0: all).
    pub classifier_labels: usize,
    /// The classifier trains the head alone on the frozen encoder; otherwise the encoder with it.
    pub classifier_frozen: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            hidden: vec![32],
            activation: PerLayer::All(Activation::Sigmoid),
            output_activation: Activation::Sigmoid,
            loss: Loss::SquaredError,
            tied: false,
            optimizer: OptimizerKind::Adam,
            learning_rate: 0.003,
            momentum: 0.9,
            weight_decay: 0.0,
            batch_size: 64,
            epochs: 0,
            seed: 1,
            masking: 0.0,
            salt_pepper: 0.0,
            gaussian: 0.0,
            l1: 0.0,
            kl_target: 0.05,
            kl_weight: 0.0,
            k_sparse: 0,
            contractive: 0.0,
            variational: false,
            beta: 1.0,
            pretrain_epochs: 0,
            init_gain: 0.0,
            validation: 0.0,
            patience: 0,
            classifier_epochs: 0,
            classifier_labels: 0,
            classifier_frozen: false,
        }
    }
}

pub const MAX_WIDTH: usize = 8192;
pub const MAX_BATCH: usize = 4096;

impl Config {
    pub fn code_width(&self) -> usize {
        self.hidden.last().copied().unwrap_or(0)
    }

    pub fn noise(&self) -> Noise {
        Noise { masking: self.masking, salt_pepper: self.salt_pepper, gaussian: self.gaussian }
    }

    /// The code penalties of the deep model (k-sparse is an op, not a penalty).
    pub fn code_penalties(&self) -> CodePenalties {
        CodePenalties {
            l1: self.l1,
            kl: (self.kl_weight > 0.0).then_some((self.kl_target, self.kl_weight)),
            contractive: if self.hidden.len() == 1 { self.contractive } else { 0.0 },
            vae_beta: if self.variational { self.beta } else { 0.0 },
        }
    }

    pub fn validate(&self) -> Result<()> {
        self.validate_shape()?;
        self.validate_training()?;
        self.validate_variants()
    }

    fn validate_shape(&self) -> Result<()> {
        if self.hidden.is_empty() {
            fail!("hidden: give at least one layer width (the code size)");
        }
        for (i, &w) in self.hidden.iter().enumerate() {
            if w == 0 || w > MAX_WIDTH {
                fail!("hidden layer {} has width {w}: widths must be between 1 and {MAX_WIDTH}", i + 1);
            }
        }
        if let PerLayer::Each(list) = &self.activation {
            if list.len() != self.hidden.len() {
                fail!(
                    "activation: {} activations for {} hidden layers (give one, or one per layer)",
                    list.len(),
                    self.hidden.len()
                );
            }
        }
        if !matches!(self.output_activation, Activation::Sigmoid | Activation::Linear) {
            fail!("outputActivation must be sigmoid or linear, not {:?}", self.output_activation);
        }
        if self.loss == Loss::CrossEntropy && self.output_activation != Activation::Sigmoid {
            fail!("loss crossEntropy needs outputActivation sigmoid (its outputs must be probabilities)");
        }
        Ok(())
    }

    fn validate_training(&self) -> Result<()> {
        let positive = |v: f64| v.is_finite() && v > 0.0;
        let fraction = |v: f64| v.is_finite() && (0.0..=1.0).contains(&v);
        if !positive(self.learning_rate) {
            fail!("learningRate {} must be a positive number (try 0.001)", self.learning_rate);
        }
        if !(self.momentum.is_finite() && (0.0..1.0).contains(&self.momentum)) {
            fail!("momentum {} must be in [0, 1)", self.momentum);
        }
        if !(self.weight_decay.is_finite() && self.weight_decay >= 0.0) {
            fail!("weightDecay {} must be zero or positive", self.weight_decay);
        }
        if self.batch_size == 0 || self.batch_size > MAX_BATCH {
            fail!("batchSize {} must be between 1 and {MAX_BATCH}", self.batch_size);
        }
        if !(self.validation.is_finite() && (0.0..0.9).contains(&self.validation)) {
            fail!("validation {} must be a fraction from 0 to 0.9 of the training rows", self.validation);
        }
        if self.classifier_epochs > 0 && self.epochs == 0 {
            fail!("classifierEpochs: the classifier trains once the autoencoder's last phase ends, and epochs 0 trains it until stopped; set epochs too");
        }
        if self.patience > 0 && self.validation == 0.0 {
            fail!("patience (early stopping) needs validation rows: set validation, e.g. 0.1");
        }
        for (name, v) in [("masking", self.masking), ("saltPepper", self.salt_pepper)] {
            if !fraction(v) {
                fail!("{name} {v} must be a fraction between 0 and 1");
            }
        }
        for (name, v) in [
            ("gaussian", self.gaussian),
            ("l1", self.l1),
            ("klWeight", self.kl_weight),
            ("contractive", self.contractive),
            ("beta", self.beta),
            ("initGain", self.init_gain),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                fail!("{name} {v} must be zero or positive");
            }
        }
        Ok(())
    }

    fn validate_variants(&self) -> Result<()> {
        let code = self.code_width();
        let code_act = self.activation.get(self.hidden.len() - 1);
        if self.k_sparse > code {
            fail!("kSparse {} is larger than the code ({code} units)", self.k_sparse);
        }
        if self.kl_weight > 0.0 {
            if !(self.kl_target > 0.0 && self.kl_target < 1.0) {
                fail!("klTarget {} must be strictly between 0 and 1", self.kl_target);
            }
            if !code_act.is_unit_interval() {
                fail!("KL sparsity needs a sigmoid code (mean activations must be rates in 0..1), not {code_act:?}");
            }
            // Layer-wise pretraining puts the penalty on every stage's code.
            if let Some(l) =
                (0..self.hidden.len()).find(|&l| self.pretrain_epochs > 0 && !self.activation.get(l).is_unit_interval())
            {
                fail!(
                    "KL sparsity with layer-wise pretraining applies to every stage's code: hidden layer {} is {:?}, not sigmoid",
                    l + 1,
                    self.activation.get(l)
                );
            }
        }
        if self.contractive > 0.0 && self.hidden.len() > 1 && self.pretrain_epochs == 0 {
            fail!("the contractive penalty is exact for a one-layer encoder: use one hidden layer, or layer-wise pretraining to stack contractive stages");
        }
        if self.contractive > 0.0 && self.k_sparse > 0 {
            fail!("contractive and kSparse cannot be combined (the code would not be a smooth function of the input)");
        }
        if self.variational {
            let clash = [
                ("tied", self.tied),
                ("kSparse", self.k_sparse > 0),
                ("klWeight", self.kl_weight > 0.0),
                ("l1", self.l1 > 0.0),
                ("contractive", self.contractive > 0.0),
                ("pretrainEpochs", self.pretrain_epochs > 0),
            ];
            if let Some((name, _)) = clash.iter().find(|(_, on)| *on) {
                fail!("a variational autoencoder does not combine with {name} here");
            }
        }
        Ok(())
    }
}
