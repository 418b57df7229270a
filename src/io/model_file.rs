//! Model files in the safetensors format, read and written by the `safetensors` crate: the current
//! phase's network (each dense layer's weight [inputs, outputs] and bias, so that y = f(x·W + b)),
//! the optimizer's state (so that training continues where it was), and in the metadata the
//! settings, the phase and the layers in order.
//!
//! Tensors: `layers.{i}.weight` F32 [inputs, outputs] and `layers.{i}.bias` F32 [outputs] for each
//! dense op i (a tied layer has no weight of its own: it uses another's, transposed); a convolution's
//! weight as the engine stores it ([K·K·C, F], a transposed one's [F, K·K·C], see net.rs) and its
//! bias [output channels], then
//! `optimizer.m` and (Adam) `optimizer.v`, F32 [number of parameters], in the network's parameter order.
//! Metadata (strings): `format` "ae-playground 1", `config` (the settings as JSON), `phase` (the
//! phase's kind as JSON, e.g. `{"kind":"stage","stage":0}`; files written before it held the phase's
//! display name, which is still read), `phaseName` (for people), `step`,
//! `optimizer.t`, and `layers`: JSON `[{op, activation, inputs, outputs, weight, bias}]` where `weight`
//! names the tensor (or "transpose of layers.{j}.weight"), or `{op: "kSparse", k}` /
//! `{op: "reparameterize", code}`; a convolution's entry is `conv` or `convTranspose` with its `geometry`; 2×2 max pooling
//! and its mirror are `maxPool` and `upsample` with the `pooling` (the large map's size).

use crate::error::Result;
use crate::fail;
use crate::io::tensors::{meta_text, pack, unpack, ModelFile, Tensors};
use crate::model::architecture::{classifier, encoder, stack};
use crate::model::config::Config;
use crate::model::layers::WeightLayout;
use crate::model::net::{Net, Op};
use crate::model::optim::Optimizer;
use crate::train::session::PhaseKind;
use serde_json::{json, Value};

pub const FORMAT: &str = "ae-playground 1";

/// The file for `net` (the current phase's) trained `step` steps with `optimizer`.
pub fn write(config: &Config, phase: PhaseKind, step: u64, net: &Net<f32>, optimizer: &Optimizer) -> Vec<u8> {
    let mut tensors: Vec<(String, Vec<usize>, &[f32])> = Vec::new();
    let mut layers = Vec::new();
    for (i, op) in net.ops.iter().enumerate() {
        match op {
            Op::Dense(_) | Op::Conv(_) => {
                let l = op.layer_params().expect("a layer");
                let weight = match l.layout {
                    WeightLayout::Own => {
                        tensors.push((
                            format!("layers.{i}.weight"),
                            vec![l.shape.0, l.shape.1],
                            &net.params[l.weight.clone()],
                        ));
                        format!("layers.{i}.weight")
                    }
                    WeightLayout::TransposeOf => {
                        // The layer borrowing this weight is the layer that owns the same offset.
                        let owner = net.ops.iter().position(|o| {
                            o.layer_params().is_some_and(|e| e.layout == WeightLayout::Own && e.weight == l.weight)
                        });
                        owner
                            .map_or_else(|| "transpose of (none)".into(), |j| format!("transpose of layers.{j}.weight"))
                    }
                };
                tensors.push((format!("layers.{i}.bias"), vec![l.bias.len()], &net.params[l.bias.clone()]));
                let (inputs, outputs) = (net.input_width_of(i), op.output_width());
                let mut layer = json!({"op": "dense", "activation": op.activation(), "inputs": inputs, "outputs": outputs,
                    "weight": weight, "bias": format!("layers.{i}.bias")});
                if let Op::Conv(c) = op {
                    layer["op"] = json!(if c.transposed { "convTranspose" } else { "conv" });
                    layer["geometry"] = json!(c.geometry);
                }
                layers.push(layer);
            }
            Op::MaxPool(pool) => layers.push(json!({"op": "maxPool", "pooling": pool})),
            Op::Upsample(pool) => layers.push(json!({"op": "upsample", "pooling": pool})),
            Op::KSparse { k, .. } => layers.push(json!({"op": "kSparse", "k": k})),
            Op::Reparameterize { code } => layers.push(json!({"op": "reparameterize", "code": code})),
        }
    }
    if optimizer.m.len() == net.params.len() {
        tensors.push(("optimizer.m".into(), vec![optimizer.m.len()], &optimizer.m));
    }
    if optimizer.v.len() == net.params.len() {
        tensors.push(("optimizer.v".into(), vec![optimizer.v.len()], &optimizer.v));
    }
    let metadata = json!({
        "format": FORMAT,
        "config": serde_json::to_string(config).unwrap_or_default(),
        "phase": serde_json::to_string(&phase).unwrap_or_default(),
        "phaseName": phase.name(),
        "step": step.to_string(),
        "optimizer.t": optimizer.t.to_string(),
        "layers": Value::Array(layers).to_string(),
    });
    pack(metadata, &tensors)
}

/// Reads a model file written by `write` (or any safetensors file of F32 tensors with our metadata).
pub fn read(bytes: &[u8]) -> Result<ModelFile> {
    let (meta, tensors) = unpack(bytes)?;
    let text = |key: &str| meta_text(&meta, key);
    if text("format")? == crate::io::pytorch::FORMAT {
        return crate::io::pytorch::read(&meta, tensors);
    }
    if text("format")? != FORMAT {
        fail!("model file format {:?} is not {FORMAT:?}", text("format")?);
    }
    let config: Config = crate::io::json::from_json(text("config")?, "model file: its settings")?;
    Ok(ModelFile {
        config,
        phase: phase_kind(text("phase")?)?,
        step: text("step")?.parse().unwrap_or(0),
        tensors,
        optimizer_t: text("optimizer.t")?.parse().unwrap_or(0),
        autoencoder: None,
        inputs: None,
    })
}

/// A phase's kind from its JSON, or from the display name files held before it.
fn phase_kind(text: &str) -> Result<PhaseKind> {
    if let Ok(kind) = serde_json::from_str(text) {
        return Ok(kind);
    }
    Ok(match text {
        "fine-tune" => PhaseKind::FineTune,
        "end to end" => PhaseKind::EndToEnd,
        "classifier" => PhaseKind::Classifier,
        _ => match text.strip_prefix("AE ").and_then(|k| k.parse::<usize>().ok()) {
            Some(k) if k >= 1 => PhaseKind::Stage(k - 1),
            _ => fail!("model file: phase {text:?} is not a phase of this playground"),
        },
    })
}

/// Puts the file's weights (and optimizer state, when it fits) into `net` and `optimizer`, checking
/// every tensor's shape against the layer it belongs to.
pub fn load_into(file: &ModelFile, net: &mut Net<f32>, optimizer: &mut Optimizer) -> Result<()> {
    let mut params = net.params.clone();
    for (i, op) in net.ops.iter().enumerate() {
        let Some(l) = op.layer_params() else { continue };
        let mut parts = vec![(format!("layers.{i}.bias"), vec![l.bias.len()], l.bias.clone())];
        if l.layout == WeightLayout::Own {
            parts.push((format!("layers.{i}.weight"), vec![l.shape.0, l.shape.1], l.weight.clone()));
        }
        let (inputs, outputs) = (net.input_width_of(i), op.output_width());
        for (name, shape, range) in parts {
            match file.tensor(&name) {
                Some((_, s, values)) if *s == shape => params[range].copy_from_slice(values),
                Some((_, s, _)) => fail!("the model file's {name} is {s:?}, but this model's is {shape:?}"),
                None => fail!("the model file has no {name} for this model's layer {i} ({inputs} → {outputs})"),
            }
        }
    }
    // The optimizer's state when the file has all of it for this model, else a fresh start (t = 0, so
    // that Adam's bias correction matches its zero moments).
    let state = |name: &str| file.tensor(name).filter(|(_, s, _)| s == &[params.len()]).map(|(_, _, v)| v.clone());
    let v = if optimizer.v.is_empty() { Some(Vec::new()) } else { state("optimizer.v") };
    let next = match (state("optimizer.m"), v) {
        (Some(m), Some(v)) => Optimizer { m, v, t: file.optimizer_t, ..optimizer.clone() },
        _ => Optimizer { t: 0, m: vec![0.0; optimizer.m.len()], v: vec![0.0; optimizer.v.len()], ..optimizer.clone() },
    };
    net.params = params;
    *optimizer = next;
    Ok(())
}

impl crate::Session {
    /// The current phase's model as a file (see the module's comment).
    pub fn export_model(&self) -> Vec<u8> {
        let state = self.trainer.state();
        let net = Net { params: state.params, ..self.trainer.phase.net.clone() };
        write(&self.config, self.phase(), self.step, &net, &state.optimizer)
    }

    /// Takes a model file's weights and optimizer state as the current phase's, and trains on from
    /// them. The file must hold this phase's network (a fine-tuned deep net fits an end-to-end one).
    pub fn import_model(&mut self, bytes: &[u8]) -> Result<()> {
        let file = read(bytes)?;
        let dim = self.data.dim();
        if let Some(inputs) = file.inputs.filter(|&n| n != dim) {
            fail!("the checkpoint's model takes {inputs} values a sample, but the dataset in hand ({}) has {dim}: load the data it was trained on first", self.data.name);
        }
        // A PyTorch checkpoint names only its tensors: its architecture must be this model's (the page
        // builds the model from the file's settings first).
        let c = &self.config;
        let shape = |c: &Config| {
            let layers = (c.conv.clone(), c.conv_activation, c.hidden.clone(), c.activation.clone());
            (layers, c.output_activation, c.tied, c.k_sparse, c.variational)
        };
        if file.inputs.is_some() && shape(&file.config) != shape(c) {
            let conv: Vec<String> = file
                .config
                .conv
                .iter()
                .map(|l| format!("{}k{}s{}{}", l.filters, l.kernel, l.stride, if l.pool { "p" } else { "" }))
                .collect();
            let conv = if conv.is_empty() { String::new() } else { format!("conv {}, ", conv.join(",")) };
            fail!(
                "the checkpoint's architecture ({conv}hidden {:?}, tied {}, kSparse {}, variational {}) is not this model's",
                file.config.hidden,
                file.config.tied,
                file.config.k_sparse,
                file.config.variational
            );
        }
        if let Some(tensors) = &file.autoencoder {
            return self.import_classifier(&file, tensors);
        }
        let here = self.phase();
        if file.phase != here && !(file.phase.is_deep() && here.is_deep()) {
            fail!("the model file holds phase {:?}, but this model is in phase {:?}", file.phase.name(), here.name());
        }
        let state = self.trainer.state();
        let (mut net, mut optimizer) =
            (Net { params: state.params, ..self.trainer.phase.net.clone() }, state.optimizer);
        load_into(&file, &mut net, &mut optimizer)?;
        self.trainer.load_state(net.params, optimizer)
    }

    /// A PyTorch checkpoint with a classifier head, into a model whose phases end with the classifier:
    /// the autoencoder's weights into the deep phase, then on to the classifier phase and its weights.
    /// Both are checked before anything changes, so a file that does not fit leaves the model as it
    /// was. (An engine that fails while the phase moves on can leave it between the two: the page
    /// imports into a model built for the file, never into the one in hand.)
    fn import_classifier(&mut self, file: &ModelFile, autoencoder: &Tensors) -> Result<()> {
        if !self.phase().is_deep() || self.phases.last() != Some(&PhaseKind::Classifier) {
            fail!("the checkpoint holds a classifier: import it into a model trained end to end with a classifier phase (classifierEpochs)");
        }
        let state = self.trainer.state();
        let (mut net, mut optimizer) =
            (Net { params: state.params, ..self.trainer.phase.net.clone() }, state.optimizer);
        let deep = ModelFile { tensors: autoencoder.clone(), autoencoder: None, ..file.clone() };
        load_into(&deep, &mut net, &mut optimizer)?;
        let code = self.trainer.phase.code.expect("autoencoders have a code");
        let head = classifier(None, net.ops[code].output_width(), 0, self.data.classes, self.config.seed);
        let mut check = if self.config.classifier_frozen { head } else { stack(&encoder(&net, code), head) };
        load_into(file, &mut check, &mut Optimizer::new(self.config.optimizer, 0, 1.0, 0.0, 0.0))?;
        self.trainer.load_state(net.params, optimizer)?;
        while self.phase() != PhaseKind::Classifier {
            self.advance()?;
        }
        let state = self.trainer.state();
        let (mut clf, mut optimizer) =
            (Net { params: state.params, ..self.trainer.phase.net.clone() }, state.optimizer);
        load_into(file, &mut clf, &mut optimizer)?;
        self.trainer.load_state(clf.params, optimizer)
    }
}
