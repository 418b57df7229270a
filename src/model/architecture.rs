//! Networks built from a config: the deep autoencoder (dense, or convolutional then dense), the shallow autoencoder of each layer-wise
//! pretraining stage, the deep net assembled from trained stages (decoder = transposed encoders),
//! the encoder alone, and classifier heads. Weights start Glorot-uniform scaled by the activation's
//! gain, from the seed's Init stream of each op; biases start at zero.

use crate::model::config::Config;
use crate::model::conv::{Geometry, Pooling};
use crate::model::layers::{Activation, WeightLayout};
use crate::model::net::{Conv, Dense, Net, Op};
use crate::real::Real;
use crate::rng::{Purpose, Rng};

/// What a net reads: an image's height, width and channels (a table's row: 1 × values × 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    pub height: usize,
    pub width: usize,
    pub channels: usize,
}

impl Shape {
    pub fn values(&self) -> usize {
        self.height * self.width * self.channels
    }
}

impl From<usize> for Shape {
    fn from(values: usize) -> Self {
        Shape { height: 1, width: values, channels: 1 }
    }
}

/// The convolutional layers' geometries on `input`, each on the map the one before makes, with the
/// 2×2 pooling of its maps where the layer pools.
pub fn conv_geometries(c: &Config, input: Shape) -> Vec<(Geometry, Option<Pooling>)> {
    let (mut height, mut width, mut channels) = (input.height, input.width, input.channels);
    let mut list = Vec::new();
    for l in &c.conv {
        let g = Geometry { height, width, channels, kernel: l.kernel, stride: l.stride, filters: l.filters };
        (height, width, channels) = (g.out_height(), g.out_width(), l.filters);
        let pool = l.pool.then_some(Pooling { height, width, channels });
        if l.pool {
            (height, width) = (height / 2, width / 2);
        }
        list.push((g, pool));
    }
    list
}

/// The values of the last convolution's maps (pooled where it pools): what the dense layers read.
fn last_maps(list: &[(Geometry, Option<Pooling>)]) -> Option<usize> {
    list.last().map(|(g, pool)| pool.map_or(g.small(), |p| p.small()))
}

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

    /// A convolution (`transposed`: from the small map back to the large one) with its own weight.
    fn conv(&mut self, geometry: Geometry, transposed: bool, activation: Activation) -> usize {
        let weight = self.len;
        self.len += geometry.patch() * geometry.filters;
        let bias = self.len;
        self.len += if transposed { geometry.channels } else { geometry.filters };
        let layout = WeightLayout::Own;
        self.ops.push(Op::Conv(Conv { geometry, transposed, weight, layout, bias, activation }));
        self.ops.len() - 1
    }

    /// A transposed convolution reading the weight of convolution `of` (a tied decoder layer).
    fn tied_conv(&mut self, of: usize, activation: Activation) -> usize {
        let Op::Conv(enc) = &self.ops[of] else { unreachable!("tied to a convolution") };
        let (geometry, weight, bias) = (enc.geometry, enc.weight, self.len);
        self.len += geometry.channels;
        let layout = WeightLayout::TransposeOf;
        self.ops.push(Op::Conv(Conv { geometry, transposed: true, weight, layout, bias, activation }));
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
            // Glorot's fans: a dense layer's inputs and outputs; a convolution's window over its
            // input channels and over its output channels.
            let (fans, layer) = match op {
                Op::Dense(d) => (d.inputs + d.outputs, op.layer_params()),
                Op::Conv(c) => {
                    let g = &c.geometry;
                    (g.kernel * g.kernel * (g.channels + g.filters), op.layer_params())
                }
                _ => continue,
            };
            let Some(layer) = layer.filter(|l| l.layout == WeightLayout::Own) else { continue };
            let activation = op.activation().expect("a layer");
            let gain = if gain > 0.0 { gain } else { activation.init_gain() };
            let limit = gain * (6.0 / fans as f64).sqrt();
            let stream = Rng::new(seed).stream(Purpose::Init, i as u32);
            for (j, w) in params[layer.weight].iter_mut().enumerate() {
                *w = T::of((stream.uniform(j as u32) as f64 * 2.0 - 1.0) * limit);
            }
        }
        Net { input: self.input, ops: self.ops, params }
    }
}

/// The deep autoencoder and the index of its code op: any convolutions, the dense layers to the
/// code, then the mirror image (dense layers, then transposed convolutions back to the image).
pub fn autoencoder<T: Real>(c: &Config, input: impl Into<Shape>) -> (Net<T>, usize) {
    let shape = input.into();
    let geometries = conv_geometries(c, shape);
    let n = c.hidden.len();
    let mut b = Builder::new(shape.values());
    let mut convs = Vec::new();
    for &(g, pool) in &geometries {
        convs.push(b.conv(g, false, c.conv_activation));
        if let Some(pool) = pool {
            b.op(Op::MaxPool(pool));
        }
    }
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
        let (width, act) = if l > 0 {
            (c.hidden[l - 1], c.activation.get(l - 1))
        } else {
            match last_maps(&geometries) {
                Some(values) => (values, c.conv_activation),
                None => (shape.values(), c.output_activation),
            }
        };
        if c.tied {
            b.tied(encoders[l], act);
        } else {
            b.dense(width, act);
        }
    }
    for (j, &(g, pool)) in geometries.iter().enumerate().rev() {
        let act = if j == 0 { c.output_activation } else { c.conv_activation };
        if let Some(pool) = pool {
            b.op(Op::Upsample(pool));
        }
        if c.tied {
            b.tied_conv(convs[j], act);
        } else {
            b.conv(g, true, act);
        }
    }
    (b.finish(c.seed, c.init_gain), code)
}

/// A pretraining stage's encoder, as the stages above it see it: its first op, and the pooling after
/// it where its convolution pools.
pub fn stage_encoder<T: Real>(stage: &Net<T>) -> Net<T> {
    let pooled = matches!(stage.ops.get(1), Some(Op::MaxPool(_)));
    encoder(stage, usize::from(pooled))
}

/// Pretraining stage k: a shallow autoencoder from the code of stage k−1 (the input for k = 0) to
/// layer k's code and back, reconstructing with the activation of what it reconstructs. A stage of a
/// convolutional layer rebuilds its input maps through its own transposed convolution (the stacked
/// convolutional autoencoders of Masci et al. 2011). Returns the net and its code op index.
pub fn stage<T: Real>(c: &Config, input: impl Into<Shape>, k: usize) -> (Net<T>, usize) {
    let shape = input.into();
    let geometries = conv_geometries(c, shape);
    let seed = c.seed.wrapping_add(k as u32 + 1);
    if let Some(&(g, pool)) = geometries.get(k) {
        let out_act = if k == 0 { c.output_activation } else { c.conv_activation };
        let mut b = Builder::new(g.large());
        let enc = b.conv(g, false, c.conv_activation);
        // Its code: the maps, pooled where the layer pools (then upsampled back in its decoder).
        let code = pool.map_or(enc, |pool| b.op(Op::MaxPool(pool)));
        if let Some(pool) = pool {
            b.op(Op::Upsample(pool));
        }
        if c.tied {
            b.tied_conv(enc, out_act);
        } else {
            b.conv(g, true, out_act);
        }
        return (b.finish(seed, c.init_gain), code);
    }
    let d = k - geometries.len();
    let (inputs, out_act) = match (d, last_maps(&geometries)) {
        (0, Some(values)) => (values, c.conv_activation),
        (0, None) => (shape.values(), c.output_activation),
        _ => (c.hidden[d - 1], c.activation.get(d - 1)),
    };
    let mut b = Builder::new(inputs);
    let enc = b.dense(c.hidden[d], c.activation.get(d));
    let last = d + 1 == c.hidden.len();
    let code = if last && c.k_sparse > 0 { b.op(Op::KSparse { width: c.hidden[d], k: c.k_sparse }) } else { enc };
    if c.tied {
        b.tied(enc, out_act);
    } else {
        b.dense(inputs, out_act);
    }
    (b.finish(seed, c.init_gain), code)
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
pub fn assemble(c: &Config, input: impl Into<Shape>, stages: &[Net<f32>]) -> (Net<f32>, usize) {
    let (mut net, code) = autoencoder::<f32>(c, input);
    let layers: Vec<usize> = (0..net.ops.len()).filter(|&i| net.ops[i].is_layer()).collect();
    let n = c.layer_count();
    for (k, st) in stages.iter().enumerate() {
        let stage_layer = |i: usize| st.ops[i].layer_params().expect("a stage's layer");
        let (se, sd) = (stage_layer(0), stage_layer(st.ops.len() - 1));
        let layer = |i: usize| net.ops[layers[i]].layer_params().expect("a layer");
        let (enc, dec) = (layer(k), layer(2 * n - 1 - k));
        net.params[enc.weight.clone()].copy_from_slice(&st.params[se.weight.clone()]);
        net.params[enc.bias].copy_from_slice(&st.params[se.bias]);
        net.params[dec.bias].copy_from_slice(&st.params[sd.bias]);
        if dec.layout == WeightLayout::Own {
            // The decoder's weight is the encoder's [rows, cols] transposed.
            let (rows, cols) = se.shape;
            for i in 0..rows {
                for j in 0..cols {
                    net.params[dec.weight.start + j * rows + i] = st.params[se.weight.start + i * cols + j];
                }
            }
        }
    }
    (net, code)
}

/// The first `code + 1` ops of a net (its encoder), with their parameters, as a net of its own.
pub fn encoder<T: Real>(net: &Net<T>, code: usize) -> Net<T> {
    let end = net.ops[..=code].iter().map(Op::params_end).max().unwrap_or(0);
    Net { input: net.input, ops: net.ops[..=code].to_vec(), params: net.params[..end].to_vec() }
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
        Op::Conv(c) => Op::Conv(Conv { weight: c.weight + shift, bias: c.bias + shift, ..c }),
        other => other,
    }));
    let mut params = a.params.clone();
    params.extend(b.params);
    Net { input: a.input, ops, params }
}
