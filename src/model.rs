//! The autoencoder: an encoder of dense layers and a decoder that mirrors it, all parameters in one
//! flat buffer with each layer's weight and bias as views, so the optimizer is one loop and a
//! checkpoint is one copy. Shape letters as in layers.rs.

use crate::layers::{linear_backward, linear_forward, Activation};
use crate::rng::{Purpose, Rng};

/// Where one dense layer's parameters sit in the flat buffer: weight [C, OC], then bias [OC].
#[derive(Clone, Debug, PartialEq)]
pub struct Layer {
    pub inputs: usize,
    pub outputs: usize,
    pub offset: usize,
    pub activation: Activation,
}

impl Layer {
    pub fn weight_range(&self) -> std::ops::Range<usize> {
        self.offset..self.offset + self.inputs * self.outputs
    }
    pub fn bias_range(&self) -> std::ops::Range<usize> {
        let start = self.offset + self.inputs * self.outputs;
        start..start + self.outputs
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Autoencoder {
    pub layers: Vec<Layer>,
    pub params: Vec<f32>,
}

/// Each layer's output for one batch, kept for the backward pass: outputs[l] is [B, layers[l].outputs].
#[derive(Default)]
pub struct Activations {
    pub outputs: Vec<Vec<f32>>,
}

impl Autoencoder {
    /// input → hidden[0] → … → hidden[last] (the code) → … → hidden[0] → input, with Glorot-uniform
    /// weights scaled by the activation's gain, drawn from the seed's Init streams (one per layer),
    /// and zero biases.
    pub fn new(input: usize, hidden: &[usize], activation: Activation, seed: u32) -> Self {
        let mut widths = vec![input];
        widths.extend_from_slice(hidden);
        widths.extend(hidden.iter().rev().skip(1));
        widths.push(input);
        let mut layers = Vec::new();
        let mut offset = 0;
        for (i, pair) in widths.windows(2).enumerate() {
            let last = i == widths.len() - 2;
            let activation = if last { Activation::Sigmoid } else { activation };
            layers.push(Layer { inputs: pair[0], outputs: pair[1], offset, activation });
            offset += pair[0] * pair[1] + pair[1];
        }
        let mut params = vec![0.0; offset];
        for (l, layer) in layers.iter().enumerate() {
            let limit = layer.activation.init_gain() * (6.0 / (layer.inputs + layer.outputs) as f32).sqrt();
            let stream = Rng::new(seed).stream(Purpose::Init, l as u32);
            for (i, w) in params[layer.weight_range()].iter_mut().enumerate() {
                *w = (stream.uniform(i as u32) * 2.0 - 1.0) * limit;
            }
        }
        Autoencoder { layers, params }
    }

    pub fn input_size(&self) -> usize {
        self.layers[0].inputs
    }

    /// Runs x [B, input] through every layer; the reconstruction is `acts.outputs.last()`.
    pub fn forward(&self, acts: &mut Activations, x: &[f32], b: usize) {
        acts.outputs.resize_with(self.layers.len(), Vec::new);
        for (l, layer) in self.layers.iter().enumerate() {
            let (before, rest) = acts.outputs.split_at_mut(l);
            let inp = if l == 0 { x } else { &before[l - 1] };
            let out = &mut rest[0];
            out.resize(b * layer.outputs, 0.0);
            let p = &self.params;
            linear_forward(out, inp, &p[layer.weight_range()], &p[layer.bias_range()], b, layer.inputs, layer.outputs);
            layer.activation.forward(out);
        }
    }

    /// Given dout = ∂L/∂(reconstruction) [B, input] (overwritten as scratch), accumulates every
    /// parameter's gradient into `grads` (same layout as `params`).
    pub fn backward(&self, grads: &mut [f32], dout: &mut Vec<f32>, acts: &Activations, x: &[f32], b: usize) {
        let mut dinp = Vec::new();
        for (l, layer) in self.layers.iter().enumerate().rev() {
            layer.activation.backward(dout, &acts.outputs[l]);
            let inp = if l == 0 { x } else { &acts.outputs[l - 1] };
            let (dweight, dbias) =
                grads[layer.offset..layer.bias_range().end].split_at_mut(layer.inputs * layer.outputs);
            let wants_dinp = l > 0;
            dinp.resize(if wants_dinp { b * layer.inputs } else { 0 }, 0.0);
            let weight = &self.params[layer.weight_range()];
            linear_backward(
                wants_dinp.then_some(&mut dinp[..]),
                dweight,
                dbias,
                dout,
                inp,
                weight,
                b,
                layer.inputs,
                layer.outputs,
            );
            std::mem::swap(dout, &mut dinp);
        }
    }
}
