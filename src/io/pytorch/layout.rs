//! Where each PyTorch tensor's values sit in the playground's flat parameters. Names: nn.Conv2d
//! `conv.{l}` ([F, C, K, K]); nn.Linear `encoder.{l}` ([out, in]); a VAE's last layer as the heads
//! `mu` and `logvar`; `decoder.{j}`, j = 0 next to the code; nn.ConvTranspose2d `deconv.{j}`
//! ([F, C, K, K], j = 0 next to the code); a tied layer has only its bias. PyTorch's maps are
//! channels-first and the engine's channels-last, so the dense layer after the last convolution
//! reads its inputs, and the one before the first transposed convolution writes its outputs, in
//! (channel, row, column) order.

use crate::model::net::{Net, Op};
use std::ops::Range;

/// One PyTorch tensor: its name, op `op`'s weight or bias, and for a VAE's heads which share of
/// that layer's outputs.
pub(crate) struct Slot {
    pub name: String,
    pub op: usize,
    pub weight: bool,
    pub outputs: Range<usize>,
}

/// The PyTorch tensors of a deep autoencoder's layers, in order (`code` is its code op).
pub(crate) fn autoencoder_slots(net: &Net<f32>, code: usize, variational: bool) -> Vec<Slot> {
    let mut slots = Vec::new();
    let (mut counts, mut decoder, mut deconv) = ([0usize; 2], 0, 0);
    for (i, op) in net.ops.iter().enumerate() {
        let Some(layer) = op.layer_params() else { continue };
        let own = layer.layout == crate::model::layers::WeightLayout::Own;
        let mut add = |prefix: String, outputs: Range<usize>, own_weight: bool| {
            if own_weight {
                slots.push(Slot { name: format!("{prefix}.weight"), op: i, weight: true, outputs: outputs.clone() });
            }
            slots.push(Slot { name: format!("{prefix}.bias"), op: i, weight: false, outputs });
        };
        let outputs = 0..layer.bias.len();
        match op {
            Op::Conv(c) if c.transposed => {
                add(format!("deconv.{deconv}"), outputs, own);
                deconv += 1;
            }
            Op::Conv(_) => {
                add(format!("conv.{}", counts[0]), outputs, true);
                counts[0] += 1;
            }
            _ if i > code => {
                add(format!("decoder.{decoder}"), outputs, own);
                decoder += 1;
            }
            _ if variational && i + 1 == code => {
                let c = layer.bias.len() / 2;
                add("mu".into(), 0..c, true);
                add("logvar".into(), c..2 * c, true);
            }
            _ => {
                add(format!("encoder.{}", counts[1]), outputs, true);
                counts[1] += 1;
            }
        }
    }
    slots
}

/// The small map [positions, channels] of op `i` when it is a convolution going the way `transposed`
/// says, or the pooling beside one (the map a dense layer reads after the convolutions, or writes
/// before the transposed ones).
fn small_map(net: &Net<f32>, i: Option<usize>, transposed: bool) -> Option<(usize, usize)> {
    match i.and_then(|i| net.ops.get(i)) {
        Some(Op::Conv(c)) if c.transposed == transposed => Some((c.geometry.positions(), c.geometry.filters)),
        // Pooled maps: what the pooling leaves (encoder), or what the upsampling takes (decoder).
        Some(Op::MaxPool(p)) if !transposed => Some((p.small() / p.channels, p.channels)),
        Some(Op::Upsample(p)) if transposed => Some((p.small() / p.channels, p.channels)),
        _ => None,
    }
}

/// A channels-first index of `map` as the engine's channels-last one (no map: the index itself).
fn channels_last(map: Option<(usize, usize)>) -> impl Fn(usize) -> usize {
    move |t| map.map_or(t, |(pixels, channels)| (t % pixels) * channels + t / pixels)
}

/// A slot's PyTorch shape, and for each of its values (row-major in that shape) the index in the
/// flat parameters it comes from.
pub(crate) fn torch_layout(net: &Net<f32>, slot: &Slot) -> (Vec<usize>, Vec<usize>) {
    let op = &net.ops[slot.op];
    let layer = op.layer_params().expect("a slot is a layer's");
    let rows = slot.outputs.clone();
    match op {
        Op::Dense(d) => {
            let input = channels_last(small_map(net, slot.op.checked_sub(1), false));
            let output = channels_last(small_map(net, Some(slot.op + 1), true));
            if !slot.weight {
                return (vec![rows.len()], rows.map(|r| layer.bias.start + output(r)).collect());
            }
            let source = rows.clone().flat_map(|r| (0..d.inputs).map(move |i| (r, i)));
            let index = source.map(|(r, i)| layer.weight.start + input(i) * d.outputs + output(r)).collect();
            (vec![rows.len(), d.inputs], index)
        }
        Op::Conv(c) => {
            let g = &c.geometry;
            let (k, channels, filters) = (g.kernel, g.channels, g.filters);
            if !slot.weight {
                return (vec![rows.len()], rows.map(|r| layer.bias.start + r).collect());
            }
            let mut index = Vec::with_capacity(filters * g.patch());
            for f in 0..filters {
                for ch in 0..channels {
                    for kk in 0..k * k {
                        let window = kk * channels + ch;
                        let stored = if c.transposed { f * g.patch() + window } else { window * filters + f };
                        index.push(layer.weight.start + stored);
                    }
                }
            }
            (vec![filters, channels, k, k], index)
        }
        _ => unreachable!("a slot is a layer's"),
    }
}
