//! What the playground's panels show beyond losses and reconstructions: the first layer's filters,
//! decoded codes (a VAE's manifold grid), PCA's reconstruction error against k, and classification
//! accuracy with few labels: a softmax on raw inputs, on the frozen code and with the encoder
//! fine-tuned; the nearest labelled neighbour and label spreading on the pixels, PCA and the code.

use crate::analysis::spreading::{self, accuracy, knn_graph, nearest_labelled};
use crate::rng::{Purpose, Rng};
use crate::train::few_labels::labelled_subset;

use crate::analysis::pca::Pca;
use crate::error::Result;
use crate::fail;
use crate::model::ladder::GammaModel;
use crate::model::net::{Net, Op, Trace};
use crate::train::few_labels::{train_head, Features, HeadConfig};
use crate::train::gamma::{GammaClassifier, GammaConfig};
use crate::train::session::{PhaseKind, Session};

/// The most label budget the few-labels panel trains with (and the least: one per class).
pub const MAX_LABELS: usize = 1000;
/// Optimisation steps per head (the fine-tuned one takes twice this): enough for a linear softmax
/// on 10–1,000 labels, and about a second in the browser for the default model.
const HEAD_STEPS: usize = 600;
/// The Γ-model's steps, each of a labelled and an unlabelled batch of 100 rows.
const GAMMA_STEPS: usize = 600;
/// The most rows the few-labels neighbour readouts look at: the graph's distances grow with the
/// square of its rows (MNIST-10k's 10,000: about 3.5 s in the wasm engine, measured in Node), so a larger dataset (a
/// segmentation's patches, an uploaded MNIST of 70,000) is sampled.
const GRAPH_ROWS: usize = 12_000;
/// Training rows PCA is fitted on, and test rows its error is measured on (the first ones).
const PCA_FIT_ROWS: usize = 2000;
// PCA's fit on a bundled dataset's first slice is its fit on the whole (the page opens on the slice).
const _: () = assert!(crate::data::pack::FIRST_TRAIN_ROWS >= PCA_FIT_ROWS, "PCA's fit reads past the first slice");
const PCA_TEST_ROWS: usize = 1000;

/// Test accuracy (0..1) of a softmax head trained on `labels` labelled training samples.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FewLabels {
    pub labels: usize,
    pub raw: f64,
    pub frozen_code: f64,
    pub fine_tuned: f64,
    /// The nearest labelled neighbour's class (1-NN): on the pixels, PCA's coordinates, the code.
    pub nearest: Readouts,
    /// Label spreading over a kNN graph of every sample, train and test (the pixels' is left out:
    /// on 784 values a sample its graph would take about 25 times the code's 32): on PCA's coordinates and on the code.
    pub spread: Readouts,
    /// PCA's width: as many components as the code has units.
    pub pca_width: usize,
    /// The Γ-model (a ladder network's simplest form) fine-tuned from the encoder on the labelled
    /// rows and every unlabelled training row; None for an encoder it does not run on (k-sparse,
    /// variational).
    pub gamma: Option<f64>,
    /// Why there is no Γ-model figure, where there is none.
    pub gamma_note: Option<String>,
}

/// One readout's test accuracy on each kind of features (None where it is not measured).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Readouts {
    pub raw: Option<f64>,
    pub pca: f64,
    pub code: f64,
}

impl Session {
    /// The weights into the first `count` units of the encoder's first layer, one row per unit
    /// ([count, input] for a dense layer, each row an image; [count, K·K·C] for a convolution, each
    /// row a K×K filter over the image's channels), and count. Pretraining stage k > 1 shows stage 1's.
    pub fn filters(&self, count: usize) -> (Vec<f32>, usize) {
        let net = self.first_layer_net();
        match net.ops.first() {
            Some(Op::Dense(d)) => {
                let count = count.min(d.outputs);
                let w = &net.params[d.weight_range()]; // [inputs, outputs]
                let values = (0..count).flat_map(|j| (0..d.inputs).map(move |i| w[i * d.outputs + j])).collect();
                (values, count)
            }
            Some(Op::Conv(c)) => {
                let (patch, filters) = (c.geometry.patch(), c.geometry.filters);
                let count = count.min(filters);
                let w = &net.params[c.weight_range()]; // [K·K·C, F]
                let values = (0..count).flat_map(|f| (0..patch).map(move |i| w[i * filters + f])).collect();
                (values, count)
            }
            _ => (Vec::new(), 0),
        }
    }

    /// The net whose first layer the filters are: stage 1's above it while pretraining, else the model.
    fn first_layer_net(&self) -> std::borrow::Cow<'_, crate::model::net::Net<f32>> {
        match self.phase() {
            PhaseKind::Stage(k) if k > 0 => std::borrow::Cow::Borrowed(&self.stages[0]),
            _ => self.model().0,
        }
    }

    /// One filter's shape as `filters` lays it out: (height, width, channels) — the image's for a
    /// dense first layer, K × K × C for a convolution.
    pub fn filter_shape(&self) -> (usize, usize, usize) {
        match self.first_layer_net().ops.first() {
            Some(Op::Conv(c)) => (c.geometry.kernel, c.geometry.kernel, c.geometry.channels),
            _ => (self.data.height, self.data.width, self.data.channels),
        }
    }

    /// Decodes codes [n, code width] with the current phase's decoder; n is 1 to the drawing cap.
    pub fn decode_codes(&self, codes: &[f32]) -> Result<Vec<f32>> {
        let width = self.code_width();
        let n = codes.len() / width;
        if !codes.len().is_multiple_of(width) || !(1..=crate::train::session::MAX_DRAWN).contains(&n) {
            fail!("decode: {} values are not 1 to {} codes of {width}", codes.len(), crate::train::session::MAX_DRAWN);
        }
        if codes.iter().any(|v| !v.is_finite()) {
            fail!("decode: codes must be finite numbers");
        }
        Ok(self.decode(codes, n))
    }

    /// Test accuracy of a softmax head trained on `labels` labelled training samples (an equal share
    /// per class): on the raw inputs, on the current encoder's frozen code, and fine-tuned with it.
    pub fn few_labels(&self, labels: usize, seed: u32, pca: &Pca) -> Result<FewLabels> {
        let data = &self.data;
        if data.labels.is_empty() || data.classes < 2 {
            fail!("few-label classification needs a labelled dataset with 2 or more classes");
        }
        if !(data.classes..=MAX_LABELS).contains(&labels) {
            fail!("few labels: choose {} (one per class) to {MAX_LABELS} labels, not {labels}", data.classes);
        }
        let per_class = labels / data.classes;
        let batch_size = 32.min(per_class * data.classes);
        let batches = (per_class * data.classes / batch_size).max(1);
        let head = HeadConfig {
            labels_per_class: per_class,
            hidden: 0,
            epochs: (HEAD_STEPS / batches).max(1),
            learning_rate: 0.003,
            weight_decay: 1e-4,
            batch_size,
            seed,
        };
        let encoder = self.encoder();
        let softmax = |features| Ok::<f64, crate::Error>(train_head(data, features, &head)?.accuracy.unwrap_or(0.0));
        let (raw, frozen_code, fine_tuned) = (
            softmax(Features::Raw)?,
            softmax(Features::FrozenCode(&encoder))?,
            softmax(Features::FineTuned(&encoder))?,
        );
        let (nearest, spread, pca_width) = self.neighbour_readouts(&encoder, pca, per_class, seed)?;
        // A Γ-model that cannot run or diverges leaves the other readouts standing, with the reason.
        let gamma = if GammaModel::fits(&encoder) {
            let labelled = labelled_subset(data, per_class, seed)?;
            let config = GammaConfig { steps: GAMMA_STEPS, seed, ..GammaConfig::default() };
            GammaClassifier::train(data, &encoder, &labelled, &config)
                .map(|model| model.accuracy(data, &data.test_rows().collect::<Vec<_>>()))
                .map_err(|e| e.to_string())
        } else {
            Err("the Γ-model runs on an encoder of dense layers, not on convolutions or a k-sparse or variational code"
                .into())
        };
        let (gamma, gamma_note) = match gamma {
            Ok(accuracy) => (Some(accuracy), None),
            Err(why) => (None, Some(why)),
        };
        Ok(FewLabels {
            labels: per_class * data.classes,
            raw,
            frozen_code,
            fine_tuned,
            nearest,
            spread,
            pca_width,
            gamma,
            gamma_note,
        })
    }

    /// 1-NN and label spreading with the labelled rows of the softmax heads, over the rows
    /// `graph_rows` picks: on the pixels (1-NN only), PCA's top coordinates (as many as the code's
    /// units, or the data's values if fewer) and the encoder's code.
    pub fn neighbour_readouts(
        &self,
        encoder: &Net<f32>,
        pca: &Pca,
        per_class: usize,
        seed: u32,
    ) -> Result<(Readouts, Readouts, usize)> {
        let data = &self.data;
        let labelled = labelled_subset(data, per_class, seed)?;
        let (rows, tested) = graph_rows(data, &labelled, seed);
        // Positions in `rows`: the labelled ones first, then the tested ones.
        let seeds: Vec<(usize, u8)> = labelled.iter().enumerate().map(|(p, &r)| (p, data.labels[r])).collect();
        let test: Vec<usize> = (labelled.len()..labelled.len() + tested).collect();
        let labels: Vec<u8> = rows.iter().map(|&r| data.labels[r]).collect();
        let x = self.data_rows(&rows);
        let mut tr = Trace::default();
        encoder.forward(&mut tr, &x, rows.len(), None);
        let codes = tr.outs.pop().unwrap_or_default();
        if codes.iter().any(|v| !v.is_finite()) {
            fail!("few labels: the code has values that are not numbers (has training diverged?)");
        }
        let width = encoder.output_width();
        let pca_width = width.min(data.dim());
        let coordinates = pca_coordinates(pca, &x, pca_width);
        let truth = || test.iter().map(|&p| labels[p]);
        let nearest = |f: &[f32], d: usize| accuracy(nearest_labelled(f, d, &seeds, &test), truth());
        let spread = |f: &[f32], d: usize| {
            let predicted =
                spreading::spread(&knn_graph(f, d, spreading::NEIGHBOURS), &seeds, data.classes, spreading::ALPHA);
            accuracy(test.iter().map(|&p| predicted[p]), truth())
        };
        Ok((
            Readouts {
                raw: Some(nearest(&x, data.dim())),
                pca: nearest(&coordinates, pca_width),
                code: nearest(&codes, width),
            },
            Readouts { raw: None, pca: spread(&coordinates, pca_width), code: spread(&codes, width) },
            pca_width,
        ))
    }

    /// PCA fitted on the first training rows (the data itself, whatever the model).
    pub fn fit_pca(&self) -> Result<Pca> {
        let rows: Vec<usize> = self.data.train_rows().take(PCA_FIT_ROWS).collect();
        Pca::fit(&self.data_rows(&rows), rows.len(), self.data.dim())
    }

    /// PCA's mean squared error per test sample (summed over its values) for each k in `ks`.
    pub fn pca_errors(&self, pca: &Pca, ks: &[usize]) -> Result<Vec<f64>> {
        let rows: Vec<usize> = self.data.test_rows().take(PCA_TEST_ROWS).collect();
        let x = self.data_rows(&rows);
        ks.iter().map(|&k| pca.reconstruction_error(&x, rows.len(), k)).collect()
    }

    /// Dataset rows as the engine sees them, [rows.len(), dim].
    pub fn data_rows(&self, rows: &[usize]) -> Vec<f32> {
        let mut x = vec![0.0; rows.len() * self.data.dim()];
        self.data.gather(rows, &mut x);
        x
    }
}

/// The rows the neighbour readouts look at, at most GRAPH_ROWS: the labelled rows, the test rows (up
/// to half the cap), then a seeded sample of the other training rows; and how many test rows.
fn graph_rows(data: &crate::data::Dataset, labelled: &[usize], seed: u32) -> (Vec<usize>, usize) {
    let test: Vec<usize> = data.test_rows().take(GRAPH_ROWS / 2).collect();
    let taken: std::collections::HashSet<usize> = labelled.iter().copied().collect();
    let others: Vec<usize> = data.train_rows().filter(|r| !taken.contains(r)).collect();
    let room = GRAPH_ROWS.saturating_sub(labelled.len() + test.len());
    let order = Rng::new(seed).stream(Purpose::Shuffle, u32::MAX - 1).permutation(others.len());
    let tested = test.len();
    let mut rows = labelled.to_vec();
    rows.extend(test);
    rows.extend(order.iter().take(room).map(|&i| others[i as usize]));
    (rows, tested)
}

/// Samples' coordinates [n, k] on their top k principal components.
pub fn pca_coordinates(pca: &Pca, samples: &[f32], k: usize) -> Vec<f32> {
    let dim = pca.dim;
    let basis = pca.basis(k);
    let k = basis.len() / dim;
    samples
        .chunks_exact(dim)
        .flat_map(|x| {
            let centred: Vec<f64> = x.iter().zip(&pca.mean).map(|(&v, m)| v as f64 - m).collect();
            (0..k).map(move |c| {
                basis[c * dim..(c + 1) * dim].iter().zip(&centred).map(|(p, v)| p * v).sum::<f64>() as f32
            })
        })
        .collect()
}

/// PCA's reconstruction of samples [n, dim] from their top k components.
pub fn pca_reconstruct(pca: &Pca, samples: &[f32], k: usize) -> Vec<f32> {
    let dim = pca.dim;
    let basis = pca.basis(k);
    let k = basis.len() / dim;
    let z = pca_coordinates(pca, samples, k);
    z.chunks_exact(k.max(1))
        .flat_map(|z| {
            (0..dim).map(|i| (pca.mean[i] + (0..k).map(|c| z[c] as f64 * basis[c * dim + i]).sum::<f64>()) as f32)
        })
        .collect()
}
