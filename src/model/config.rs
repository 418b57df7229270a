//! What a person can set, with defaults and validation that explains what is wrong. Crosses the wasm
//! boundary as JSON (camelCase) and lives in the page's URL hash, so every field is flat.

use crate::error::Result;
use crate::fail;
use crate::model::corrupt::Noise;
use crate::model::layers::{Activation, Loss};
use crate::model::net::CodePenalties;
use crate::model::optim::OptimizerKind;
use crate::model::schedule::ScheduleKind;
use serde::{Deserialize, Serialize};

pub use crate::model::conv_settings::ConvLayer;

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

/// What a layer-wise pretraining stage is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Pretrain {
    /// A shallow autoencoder trained by backpropagation (the stacked autoencoders of the lecture).
    #[default]
    Autoencoder,
    /// A restricted Boltzmann machine trained by contrastive divergence (Hinton & Salakhutdinov 2006).
    Rbm,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct Config {
    /// Convolutional encoder layers, input side first, before the dense ones (images only); the
    /// decoder mirrors them with transposed convolutions.
    pub conv: Vec<ConvLayer>,
    /// The convolutional layers' activation (and the decoder's dense layer that feeds them).
    pub conv_activation: Activation,
    /// Dense encoder layer widths, input side first (after any convolutions); the last is the code.
    /// The decoder mirrors them.
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
    /// What each pretraining stage is: a shallow autoencoder, or a restricted Boltzmann machine.
    pub pretrain: Pretrain,
    /// An RBM stage's steps of Gibbs sampling per update (contrastive divergence CD-k).
    pub cd_steps: usize,
    /// The learning rate's schedule within each phase, and its settings.
    pub schedule: ScheduleKind,
    /// Step: epochs between cuts.
    pub decay_every: usize,
    /// Step and plateau: what each cut multiplies the rate by.
    pub decay_factor: f64,
    /// Cosine: epochs of linear warm-up.
    pub warmup_epochs: usize,
    /// Plateau: epochs without a better validation loss before a cut.
    pub plateau_patience: usize,
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
            conv: Vec::new(),
            conv_activation: Activation::Relu,
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
            pretrain: Pretrain::Autoencoder,
            cd_steps: 1,
            schedule: ScheduleKind::Constant,
            decay_every: 10,
            decay_factor: 0.5,
            warmup_epochs: 0,
            plateau_patience: 2,
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
/// The most Gibbs steps an RBM update may take.
pub const MAX_CD_STEPS: usize = 1000;
impl Config {
    /// The encoder's layers with weights: convolutional, then dense (one pretraining stage each).
    pub fn layer_count(&self) -> usize {
        self.conv.len() + self.hidden.len()
    }

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
        self.validate_schedule()?;
        self.validate_variants()?;
        self.validate_rbm()
    }

    fn validate_schedule(&self) -> Result<()> {
        if !(self.decay_factor.is_finite() && self.decay_factor > 0.0 && self.decay_factor < 1.0) {
            fail!(
                "decayFactor {} must be between 0 and 1 (each cut multiplies the learning rate by it)",
                self.decay_factor
            );
        }
        if self.decay_every == 0 {
            fail!("decayEvery must be 1 or more epochs");
        }
        if self.plateau_patience == 0 {
            fail!("plateauPatience must be 1 or more epochs");
        }
        match self.schedule {
            ScheduleKind::Cosine if self.epochs == 0 => fail!(
                "schedule cosine takes the rate to zero over the phase, so it needs the phase's length: set epochs (0 trains until stopped)"
            ),
            ScheduleKind::Cosine => {
                // The schedule runs in every phase: the warm-up must leave each of them some decay.
                let phases = [
                    ("epochs", self.epochs),
                    ("pretrainEpochs", self.pretrain_epochs),
                    ("classifierEpochs", self.classifier_epochs),
                ];
                match phases.iter().find(|(_, n)| *n > 0 && self.warmup_epochs >= *n) {
                    Some((name, n)) => fail!(
                        "warmupEpochs {} must be fewer than {name} {n} (the cosine schedule warms up in every phase)",
                        self.warmup_epochs
                    ),
                    None => Ok(()),
                }
            }
            ScheduleKind::Plateau if self.validation == 0.0 => {
                fail!("schedule plateau watches the validation loss: set validation, e.g. 0.1")
            }
            _ => Ok(()),
        }
    }

    /// RBM stages model sigmoid (binary) units, and the code's linear (Gaussian) or sigmoid ones.
    fn validate_rbm(&self) -> Result<()> {
        if self.pretrain != Pretrain::Rbm {
            return Ok(());
        }
        if self.pretrain_epochs == 0 {
            fail!("pretrain rbm: set pretrainEpochs, the epochs each RBM stage trains (0 trains no stages)");
        }
        if !(1..=MAX_CD_STEPS).contains(&self.cd_steps) {
            fail!("cdSteps {} must be from 1 to {MAX_CD_STEPS}", self.cd_steps);
        }
        let n = self.hidden.len();
        for l in 0..n {
            let a = self.activation.get(l);
            let fits = a == Activation::Sigmoid || (l + 1 == n && a == Activation::Linear);
            if !fits {
                let what = if l + 1 == n { "sigmoid or linear" } else { "sigmoid" };
                let name = serde_json::to_value(a).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default();
                fail!("pretrain rbm: hidden layer {} is {name}, but an RBM stage's hidden units must be {what} (binary units, or linear ones at the code)", l + 1);
            }
        }
        if self.k_sparse > 0 {
            fail!("kSparse does not combine with RBM stages (an RBM's hidden units are not a k-sparse code)");
        }
        Ok(())
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
