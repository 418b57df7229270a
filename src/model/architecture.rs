//! Networks built from a config: the deep autoencoder, the shallow autoencoder of each layer-wise
//! pretraining stage, the deep net assembled from trained stages (decoder = transposed encoders),
//! the encoder alone, and classifier heads. Weights start Glorot-uniform scaled by the activation's
//! gain, from the seed's Init stream of each op; biases start at zero.

use crate::model::config::Config;
use crate::model::layers::{Activation, WeightLayout};
use crate::model::net::{Dense, Net, Op};
use crate::real::Real;
use crate::rng::{Purpose, Rng};

/// Lays out ops and their parameters, then initialises them.
struct Builder {
    input: usize,
    ops: Vec<Op>,
    len: usize,
}

impl Builder {
    fn new(input: usize) -> Self {
        Builder { input, ops: Vec::new(), len: 0 }
    }

    fn width(&self) -> usize {
        self.ops.last().map_or(self.input, Op::output_width)
    }

    fn dense(&mut self, outputs: usize, activation: Activation) -> usize {
        let inputs = self.width();
        let weight = self.len;
        self.len += inputs * outputs;
        let bias = self.len;
        self.len += outputs;
        self.ops.push(Op::Dense(Dense { inputs, outputs, weight, layout: WeightLayout::Own, bias, activation }));
        self.ops.len() - 1
    }

    /// A dense layer reading the weight of op `of` transposed (a tied decoder layer).
    fn tied(&mut self, of: usize, activation: Activation) -> usize {
        let Op::Dense(enc) = &self.ops[of] else { unreachable!("tied to a dense layer") };
        let (inputs, outputs, weight) = (enc.outputs, enc.inputs, enc.weight);
        let bias = self.len;
        self.len += outputs;
        self.ops.push(Op::Dense(Dense {
            inputs,
            outputs,
            weight,
            layout: WeightLayout::TransposeOf,
            bias,
            activation,
        }));
        self.ops.len() - 1
    }

    fn op(&mut self, op: Op) -> usize {
        self.ops.push(op);
        self.ops.len() - 1
    }

    /// Allocates and initialises the parameters; `gain` 0 scales each layer's range by its activation.
    fn finish<T: Real>(self, seed: u32, gain: f64) -> Net<T> {
        let mut params = vec![T::zero(); self.len];
        for (i, op) in self.ops.iter().enumerate() {
            if let Op::Dense(d) = op {
                if d.layout == WeightLayout::Own {
                    let gain = if gain > 0.0 { gain } else { d.activation.init_gain() };
                    let limit = gain * (6.0 / (d.inputs + d.outputs) as f64).sqrt();
                    let stream = Rng::new(seed).stream(Purpose::Init, i as u32);
                    for (j, w) in params[d.weight_range()].iter_mut().enumerate() {
                        *w = T::of((stream.uniform(j as u32) as f64 * 2.0 - 1.0) * limit);
                    }
                }
            }
        }
        Net { input: self.input, ops: self.ops, params }
    }
}

/// The deep autoencoder and the index of its code op.
pub fn autoencoder<T: Real>(c: &Config, input: usize) -> (Net<T>, usize) {
    let n = c.hidden.len();
    let mut b = Builder::new(input);
    let mut encoders = Vec::new();
    for (l, &w) in c.hidden.iter().enumerate().take(n - 1) {
        encoders.push(b.dense(w, c.activation.get(l)));
    }
    let code = if c.variational {
        encoders.push(b.dense(2 * c.code_width(), Activation::Linear));
        b.op(Op::Reparameterize { code: c.code_width() })
    } else {
        encoders.push(b.dense(c.code_width(), c.activation.get(n - 1)));
        if c.k_sparse > 0 {
            b.op(Op::KSparse { width: c.code_width(), k: c.k_sparse })
        } else {
            b.ops.len() - 1
        }
    };
    for l in (0..n).rev() {
        let (width, act) =
            if l == 0 { (input, c.output_activation) } else { (c.hidden[l - 1], c.activation.get(l - 1)) };
        if c.tied {
            b.tied(encoders[l], act);
        } else {
            b.dense(width, act);
        }
    }
    (b.finish(c.seed, c.init_gain), code)
}

/// Pretraining stage k: a shallow autoencoder from the code of stage k−1 (the input for k = 0) to
/// hidden[k] and back, reconstructing with the activation of what it reconstructs. Returns the net and
/// its code op index.
pub fn stage<T: Real>(c: &Config, input: usize, k: usize) -> (Net<T>, usize) {
    let inputs = if k == 0 { input } else { c.hidden[k - 1] };
    let out_act = if k == 0 { c.output_activation } else { c.activation.get(k - 1) };
    let mut b = Builder::new(inputs);
    let enc = b.dense(c.hidden[k], c.activation.get(k));
    let last = k + 1 == c.hidden.len();
    let code = if last && c.k_sparse > 0 { b.op(Op::KSparse { width: c.hidden[k], k: c.k_sparse }) } else { enc };
    if c.tied {
        b.tied(enc, out_act);
    } else {
        b.dense(inputs, out_act);
    }
    (b.finish(c.seed.wrapping_add(k as u32 + 1), c.init_gain), code)
}

/// Pretraining stage k as a restricted Boltzmann machine: hidden[k] units of the layer's activation
/// over `visible` units (sigmoid: binary; linear: Gaussian), stored as one dense layer and its tied
/// decoder (see model/rbm.rs). Weights start N(0, 0.01²), as Hinton's practical guide advises
/// (UTML TR 2010-003, §8), biases at zero.
pub fn rbm_stage<T: Real>(c: &Config, input: usize, k: usize, visible: Activation) -> (Net<T>, usize) {
    let inputs = if k == 0 { input } else { c.hidden[k - 1] };
    let mut b = Builder::new(inputs);
    let enc = b.dense(c.hidden[k], c.activation.get(k));
    b.tied(enc, visible);
    let mut net: Net<T> = b.finish(c.seed.wrapping_add(k as u32 + 1), 1.0);
    let stream = Rng::new(c.seed.wrapping_add(k as u32 + 1)).stream(Purpose::Init, 0);
    let weights = net.dense(enc).expect("a dense layer").weight_range();
    for (j, w) in net.params[weights].iter_mut().enumerate() {
        *w = T::of(crate::model::rbm::INITIAL_SPREAD * stream.normal(j as u32) as f64);
    }
    (net, enc)
}

/// The deep autoencoder assembled from trained stages: encoder layer k is stage k's encoder; the
/// decoder layer mirroring it starts from the transpose of that encoder weight (or borrows it, when
/// tied) with stage k's decoder bias.
pub fn assemble(c: &Config, input: usize, stages: &[Net<f32>]) -> (Net<f32>, usize) {
    let (mut net, code) = autoencoder::<f32>(c, input);
    let dense_ops: Vec<usize> = (0..net.ops.len()).filter(|&i| net.dense(i).is_some()).collect();
    let n = c.hidden.len();
    for (k, st) in stages.iter().enumerate() {
        let (se, sd) = (st.dense(0).unwrap().clone(), st.dense(st.ops.len() - 1).unwrap().clone());
        let enc = net.dense(dense_ops[k]).unwrap().clone();
        let dec = net.dense(dense_ops[2 * n - 1 - k]).unwrap().clone();
        net.params[enc.weight_range()].copy_from_slice(&st.params[se.weight_range()]);
        net.params[enc.bias_range()].copy_from_slice(&st.params[se.bias_range()]);
        net.params[dec.bias_range()].copy_from_slice(&st.params[sd.bias_range()]);
        if dec.layout == WeightLayout::Own {
            // dec weight [hidden_k, inputs_k] = (enc weight [inputs_k, hidden_k])ᵀ
            let (rows, cols) = (se.inputs, se.outputs);
            for i in 0..rows {
                for j in 0..cols {
                    net.params[dec.weight + j * rows + i] = st.params[se.weight + i * cols + j];
                }
            }
        }
    }
    (net, code)
}

/// The first `code + 1` ops of a net (its encoder), with their parameters, as a net of its own.
pub fn encoder<T: Real>(net: &Net<T>, code: usize) -> Net<T> {
    let end = net.ops[..=code]
        .iter()
        .filter_map(|op| if let Op::Dense(d) = op { Some(d.bias_range().end) } else { None })
        .max();
    Net { input: net.input, ops: net.ops[..=code].to_vec(), params: net.params[..end.unwrap_or(0)].to_vec() }
}

/// A softmax classifier: optionally an encoder (trained jointly), optionally one ReLU hidden layer,
/// then `classes` linear outputs (logits).
pub fn classifier(encoder: Option<&Net<f32>>, input: usize, hidden: usize, classes: usize, seed: u32) -> Net<f32> {
    let mut b = Builder::new(encoder.map_or(input, Net::output_width));
    if hidden > 0 {
        b.dense(hidden, Activation::Relu);
    }
    b.dense(classes, Activation::Linear);
    let head: Net<f32> = b.finish(seed, 0.0);
    match encoder {
        Some(enc) => stack(enc, head),
        None => head,
    }
}

/// Net `a` followed by net `b` as one net (b's parameters placed after a's).
pub fn stack<T: Real>(a: &Net<T>, b: Net<T>) -> Net<T> {
    let shift = a.params.len();
    let mut ops = a.ops.clone();
    ops.extend(b.ops.into_iter().map(|op| match op {
        Op::Dense(d) => Op::Dense(Dense { weight: d.weight + shift, bias: d.bias + shift, ..d }),
        other => other,
    }));
    let mut params = a.params.clone();
    params.extend(b.params);
    Net { input: a.input, ops, params }
}
