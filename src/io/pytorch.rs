//! The hand-off to PyTorch: the model in PyTorch's names and layout (`model.safetensors`, loaded by
//! `pytorch/model.py` with `load_state_dict(strict=True)`), zipped with `model.py`, `train.py`, a README
//! and requirements; and checkpoints `train.py` writes, read back into the playground's own layout.
//!
//! Names (nn.Linear: weight [out, in]): `encoder.{l}.weight|bias` for each encoder layer; a VAE's last
//! layer as the heads `mu.*` and `logvar.*`; `decoder.{j}.weight|bias`, j = 0 next to the code (a tied
//! layer has only its bias: it uses `encoder.{n−1−j}.weight` transposed); `classifier.weight|bias`.
//! Metadata: `format` "ae-playground pytorch 1", `config` (the settings as JSON), `inputs`,
//! `classes`, `phase`, `step`, and for images `height`, `width`, `channels`.

use crate::error::{Error, Result};
use crate::fail;
use crate::io::tensors::{self, meta_text, ModelFile, Tensors};
use crate::model::architecture::{assemble, autoencoder, Shape};
use crate::model::config::{Config, MAX_BATCH};
use crate::model::layers::WeightLayout;
use crate::model::net::Net;
use crate::train::session::{PhaseKind, Session};
use layout::{autoencoder_slots, torch_layout, Slot};
use serde_json::{json, Map, Value};

mod layout;

pub const FORMAT: &str = "ae-playground pytorch 1";

const MODEL_PY: &str = include_str!("pytorch/model.py");
const TRAIN_PY: &str = include_str!("pytorch/train.py");
const README: &str = include_str!("pytorch/README.md");
const REQUIREMENTS: &str = include_str!("pytorch/requirements.txt");

/// The autoencoder (and classifier head, op `op` of net `clf`) as PyTorch tensors (name, shape, values).
pub fn torch_tensors(net: &Net<f32>, code: usize, variational: bool, head: Option<(&Net<f32>, usize)>) -> Tensors {
    let values = |net: &Net<f32>, s: &Slot| {
        let (shape, index) = torch_layout(net, s);
        (shape, index.into_iter().map(|i| net.params[i]).collect::<Vec<f32>>())
    };
    let mut tensors: Tensors = autoencoder_slots(net, code, variational)
        .iter()
        .map(|s| {
            let (shape, values) = values(net, s);
            (s.name.clone(), shape, values)
        })
        .collect();
    if let Some((clf, op)) = head {
        let outputs = clf.ops[op].output_width();
        for (weight, name) in [(true, "classifier.weight"), (false, "classifier.bias")] {
            let (shape, values) = values(clf, &Slot { name: name.into(), op, weight, outputs: 0..outputs });
            tensors.push((name.into(), shape, values));
        }
    }
    tensors
}

/// A classifier's net and its head's op.
type Head = (Net<f32>, usize);

impl Session {
    /// The deep autoencoder as it stands (while pretraining: assembled from the stages so far, the
    /// current one included), its code op, and while the classifier trains its net and head op.
    fn deep_model(&self) -> (Net<f32>, usize, Option<Head>) {
        let input = self.data.shape();
        match (self.phase(), &self.autoencoder) {
            (PhaseKind::Stage(_), _) => {
                let mut stages = self.stages.clone();
                stages.push(self.trainer.net());
                let (net, code) = assemble(&self.config, input, &stages);
                (net, code, None)
            }
            (PhaseKind::Classifier, Some((ae, code))) => {
                let clf = self.trainer.net();
                let mut ae = ae.clone();
                if self.trainer.phase.frozen.is_none() {
                    // Trained with the head: the encoder's weights are the classifier net's first ones.
                    let n = crate::model::architecture::encoder(&ae, *code).params.len();
                    ae.params[..n].copy_from_slice(&clf.params[..n]);
                }
                let head = clf.ops.len() - 1;
                (ae, *code, Some((clf, head)))
            }
            _ => (self.trainer.net(), self.trainer.phase.code.expect("autoencoders have a code"), None),
        }
    }

    /// The model as a safetensors file in PyTorch's names and layout (see the module's comment).
    pub fn export_pytorch_weights(&self) -> Vec<u8> {
        let (net, code, head) = self.deep_model();
        let tensors = torch_tensors(&net, code, self.config.variational, head.as_ref().map(|(n, op)| (n, *op)));
        let d = &self.data;
        let mut meta = json!({
            "format": FORMAT,
            "config": serde_json::to_string(&self.config).unwrap_or_default(),
            "inputs": d.dim().to_string(),
            "classes": if head.is_some() { d.classes.to_string() } else { "0".into() },
            "phase": serde_json::to_string(&self.phase()).unwrap_or_default(),
            "step": self.step.to_string(),
            "dataset": d.name,
        });
        if d.height > 1 {
            for (key, v) in [("height", d.height), ("width", d.width), ("channels", d.channels)] {
                meta[key] = v.to_string().into();
            }
        }
        let views: Vec<(String, Vec<usize>, &[f32])> =
            tensors.iter().map(|(n, s, v)| (n.clone(), s.clone(), &v[..])).collect();
        tensors::pack(meta, &views)
    }

    /// "Export for PyTorch": a ZIP of model.safetensors, model.py, train.py, README.md and
    /// requirements.txt.
    pub fn export_pytorch(&self) -> Vec<u8> {
        let readme = README.replace("{architecture}", &self.architecture_line());
        crate::data::zip::write(&[
            ("model.safetensors", &self.export_pytorch_weights()),
            ("model.py", MODEL_PY.as_bytes()),
            ("train.py", TRAIN_PY.as_bytes()),
            ("README.md", readme.as_bytes()),
            ("requirements.txt", REQUIREMENTS.as_bytes()),
        ])
    }

    /// E.g. "784 → 256 → 32 → 256 → 784, trained on mnist"; convolutions as their maps, e.g.
    /// "784 → 16@14×14 → 32@7×7 → 32 → 32@7×7 → 16@14×14 → 784".
    fn architecture_line(&self) -> String {
        let maps: Vec<String> = crate::model::architecture::conv_geometries(&self.config, self.data.shape())
            .iter()
            .map(|(g, pool)| match pool {
                Some(p) => format!("{}@{}×{} pooled", g.filters, p.height / 2, p.width / 2),
                None => format!("{}@{}×{}", g.filters, g.out_height(), g.out_width()),
            })
            .collect();
        let mut widths = vec![self.data.dim().to_string()];
        widths.extend(maps.iter().cloned());
        widths.extend(self.config.hidden.iter().map(usize::to_string));
        widths.extend(self.config.hidden.iter().rev().skip(1).map(usize::to_string));
        widths.extend(maps.iter().rev().cloned());
        widths.push(self.data.dim().to_string());
        let variant = [
            (self.config.variational, "variational"),
            (self.config.tied, "tied weights"),
            (self.config.k_sparse > 0, "k-sparse code"),
        ];
        let extra: Vec<&str> = variant.iter().filter(|(on, _)| *on).map(|(_, n)| *n).collect();
        let extra = if extra.is_empty() { String::new() } else { format!(" ({})", extra.join(", ")) };
        format!("{}{extra}, trained on {}", widths.join(" → "), self.data.name)
    }
}

/// A checkpoint in PyTorch's layout (written by the export or by `train.py`) as a model file of the
/// playground's own: the deep autoencoder's tensors, and with a classifier head the classifier phase's.
/// Every tensor must be there with its shape, and nothing else may be.
pub fn read(meta: &Map<String, Value>, tensors: Tensors) -> Result<ModelFile> {
    let mut config: Config =
        crate::io::json::from_json(meta_text(meta, "config")?, "PyTorch checkpoint: its settings")?;
    // Training settings of a cluster run that the page does not take: a batch above its largest, and
    // early stopping without validation rows (train.py refuses that).
    config.batch_size = config.batch_size.min(MAX_BATCH);
    if config.validation == 0.0 {
        config.patience = 0;
    }
    config.validate().map_err(|e| Error::new(format!("PyTorch checkpoint: its settings: {e}")))?;
    let number = |key: &str| -> Result<usize> {
        meta_text(meta, key)?.parse().map_err(|_| Error::new(format!("PyTorch checkpoint: {key} is not a number")))
    };
    let (inputs, classes) = (number("inputs")?, number("classes")?);
    let image = |key: &str| meta_text(meta, key).ok().and_then(|v| v.parse::<usize>().ok());
    let shape = match (image("height"), image("width"), image("channels")) {
        (Some(height), Some(width), Some(channels)) if height * width * channels == inputs => {
            Shape { height, width, channels }
        }
        _ => Shape::from(inputs),
    };
    config
        .validate_conv(shape.height > 1, (shape.height, shape.width, shape.channels))
        .map_err(|e| Error::new(format!("PyTorch checkpoint: its settings: {e}")))?;
    // The first layer's tensor says the width before a net of that width is built.
    let first = match (config.conv.is_empty(), config.variational && config.hidden.len() == 1) {
        (false, _) => None,
        (true, true) => Some("mu.weight"),
        (true, false) => Some("encoder.0.weight"),
    };
    if let Some(first) = first {
        match tensors.iter().find(|(n, _, _)| n == first) {
            Some((_, shape, _)) if shape.get(1) == Some(&inputs) => {}
            Some((_, shape, _)) => {
                fail!("the PyTorch checkpoint's {first} is {shape:?}, but its metadata says {inputs} inputs")
            }
            None => fail!("the PyTorch checkpoint has no {first}, which its settings' architecture needs"),
        }
    }
    let (net, code) = autoencoder::<f32>(&config, shape);
    let mut used = vec![false; tensors.len()];
    let mut take = |name: &str, shape: &[usize]| -> Result<Vec<f32>> {
        let at = tensors.iter().position(|(n, _, _)| n == name).ok_or_else(|| {
            Error::new(format!("the PyTorch checkpoint has no {name}, which its settings' architecture needs"))
        })?;
        used[at] = true;
        let (_, s, values) = &tensors[at];
        if s != shape {
            fail!("the PyTorch checkpoint's {name} is {s:?}, but its settings make it {shape:?}");
        }
        Ok(values.clone())
    };
    // Every layer's weight and bias put back in place from its PyTorch tensors.
    let mut params = net.params.clone();
    let slots = autoencoder_slots(&net, code, config.variational);
    for slot in &slots {
        let (shape, index) = torch_layout(&net, slot);
        let values = take(&slot.name, &shape)?;
        index.into_iter().zip(values).for_each(|(i, v)| params[i] = v);
    }
    // A model file's tensors for the layers `ops` (see model_file.rs): each weight as stored.
    let layer_tensors = |ops: &[usize]| -> Tensors {
        let mut out = Vec::new();
        for &op in ops {
            let l = net.ops[op].layer_params().expect("a layer");
            if l.layout == WeightLayout::Own {
                out.push((format!("layers.{op}.weight"), vec![l.shape.0, l.shape.1], params[l.weight].to_vec()));
            }
            out.push((format!("layers.{op}.bias"), vec![l.bias.len()], params[l.bias].to_vec()));
        }
        out
    };
    let mut layers: Vec<usize> = slots.iter().map(|s| s.op).collect();
    layers.dedup();
    let autoencoder_tensors = layer_tensors(&layers);
    let head = if classes > 0 {
        let c = config.code_width();
        let (w, b) = (take("classifier.weight", &[classes, c])?, take("classifier.bias", &[classes])?);
        let weight = (0..c).flat_map(|i| (0..classes).map(|k| w[k * c + i]).collect::<Vec<_>>()).collect();
        Some((weight, b))
    } else {
        None
    };
    if let Some(i) = used.iter().position(|u| !u) {
        fail!(
            "the PyTorch checkpoint holds {}, which is not part of the architecture its settings describe",
            tensors[i].0
        );
    }
    let step = meta_text(meta, "step").ok().and_then(|s| s.parse().ok()).unwrap_or(0);
    let Some((weight, bias)) = head else {
        return Ok(ModelFile {
            config,
            phase: PhaseKind::EndToEnd,
            step,
            tensors: autoencoder_tensors,
            optimizer_t: 0,
            autoencoder: None,
            inputs: Some(inputs),
        });
    };
    // The classifier phase's net: the head alone behind a frozen encoder, or the encoder and head.
    let (clf_tensors, head_op) = if config.classifier_frozen {
        (Vec::new(), 0)
    } else {
        let encoder_ops: Vec<usize> = layers.iter().copied().filter(|&op| op <= code).collect();
        (layer_tensors(&encoder_ops), code + 1)
    };
    let mut clf_tensors = clf_tensors;
    clf_tensors.push((format!("layers.{head_op}.weight"), vec![config.code_width(), classes], weight));
    clf_tensors.push((format!("layers.{head_op}.bias"), vec![classes], bias));
    Ok(ModelFile {
        config,
        phase: PhaseKind::Classifier,
        step,
        tensors: clf_tensors,
        optimizer_t: 0,
        autoencoder: Some(autoencoder_tensors),
        inputs: Some(inputs),
    })
}
