//! The convolutional layers' settings: one layer as a person sets it, and the checks of a stack of
//! them against the image it slides over (the rest of the settings are in config.rs).

use crate::error::Result;
use crate::fail;
use crate::model::config::{Config, Pretrain};
use serde::{Deserialize, Serialize};

/// One convolutional encoder layer: `filters` maps from a `kernel` × `kernel` window moved `stride`
/// pixels at a time (padding (kernel − 1)/2, so stride 2 halves the map, rounding up), and
/// optionally 2×2 max pooling of its maps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConvLayer {
    pub filters: usize,
    pub kernel: usize,
    pub stride: usize,
    /// 2×2 max pooling after it (the decoder mirrors it by upsampling ×2).
    pub pool: bool,
}

impl Default for ConvLayer {
    fn default() -> Self {
        ConvLayer { filters: 16, kernel: 3, stride: 2, pool: false }
    }
}

/// The most convolutional layers, filters per layer, and the widest kernel.
pub const MAX_CONV_LAYERS: usize = 6;
pub const MAX_FILTERS: usize = 512;
pub const MAX_KERNEL: usize = 11;
/// The most values a convolution's patches or maps may hold per image (the engine keeps a batch of
/// them, and evaluation 256 images at a time).
pub const MAX_CONV_VALUES: usize = 1 << 18;

impl Config {
    /// The convolutional layers' shapes on an image of `height` × `width` × `channels` (a table's row
    /// is not an image: `image` false), each map's size from the one before.
    pub fn validate_conv(&self, image: bool, (height, width, channels): (usize, usize, usize)) -> Result<()> {
        if self.conv.is_empty() {
            return Ok(());
        }
        if !image {
            fail!("conv: convolutional layers slide over an image, and this dataset's rows are not images: remove conv, or use an image dataset");
        }
        if self.conv.len() > MAX_CONV_LAYERS {
            fail!("conv: {} layers; at most {MAX_CONV_LAYERS}", self.conv.len());
        }
        let (mut h, mut w, mut channels) = (height, width, channels);
        for (i, l) in self.conv.iter().enumerate() {
            let n = i + 1;
            if l.filters == 0 || l.filters > MAX_FILTERS {
                fail!("conv layer {n}: filters {} must be from 1 to {MAX_FILTERS}", l.filters);
            }
            if l.kernel % 2 == 0 || l.kernel > MAX_KERNEL {
                fail!("conv layer {n}: kernel {} must be odd, from 1 to {MAX_KERNEL} (an odd window has a centre pixel, so the padding is the same on every side)", l.kernel);
            }
            if !matches!(l.stride, 1 | 2) {
                fail!("conv layer {n}: stride {} must be 1 or 2", l.stride);
            }
            if l.kernel > h.min(w) {
                fail!("conv layer {n}: kernel {k}×{k} is larger than its input map of {h}×{w}", k = l.kernel);
            }
            let (out_h, out_w) = (h.div_ceil(l.stride), w.div_ceil(l.stride));
            let patches = out_h * out_w * l.kernel * l.kernel * channels;
            let maps = (out_h * out_w * l.filters).max(h * w * channels);
            if patches.max(maps) > MAX_CONV_VALUES {
                fail!("conv layer {n}: its windows hold {} values an image, more than {MAX_CONV_VALUES}: use stride 2, a smaller kernel or fewer filters below it", patches.max(maps));
            }
            (h, w, channels) = (out_h, out_w, l.filters);
            if l.pool {
                if h % 2 == 1 || w % 2 == 1 {
                    fail!("conv layer {n}: pool halves its maps of {h}×{w}, and 2×2 max pooling needs even sizes: change the stride or the layer's pool");
                }
                (h, w) = (h / 2, w / 2);
            }
        }
        if self.pretrain_epochs > 0 && self.kl_weight > 0.0 && !self.conv_activation.is_unit_interval() {
            fail!("KL sparsity with layer-wise pretraining applies to every stage's code, the convolutions' maps too: set convActivation sigmoid");
        }
        if self.contractive > 0.0 {
            fail!(
                "contractive: the contractive penalty is for a dense encoder here; remove conv or set contractive to 0"
            );
        }
        if self.pretrain == Pretrain::Rbm {
            fail!("pretrain rbm: RBM stages are dense; with conv layers use autoencoder stages (pretrain autoencoder)");
        }
        Ok(())
    }
}
