//! The hand-off to PyTorch. Here, without PyTorch: the export's ZIP, the PyTorch layout read back
//! into the same model for every variant, and checkpoints that do not fit refused. With PyTorch (the
//! virtual environment `scripts/setup.sh --test` makes under ~/.cache): for each variant, the
//! exported model.py reproduces the engine's reconstructions, codes and class scores; train.py's loss
//! and gradients on one batch match the engine's; torchrun trains on two processes (gloo), and its
//! checkpoints (a dense and a convolutional model) import back into the engine with the same reconstructions as PyTorch's.
#![cfg(not(target_arch = "wasm32"))] // reads the bundled data from disk, runs Python

use ae_playground::data::{files, zip};
use ae_playground::io::pytorch::torch_tensors;
use ae_playground::io::tensors::{pack, unpack, Tensors};
use ae_playground::model::architecture::{autoencoder, encoder, stack};
use ae_playground::model::config::{ConvLayer, PerLayer};
use ae_playground::model::layers::{Activation, Loss};
use ae_playground::model::net::{Net, Trace};
use ae_playground::model::optim::Optimizer;
use ae_playground::rng::{Purpose, Rng};
use ae_playground::train::backend::cpu::CpuBackend;
use ae_playground::train::engine::Engine;
use ae_playground::train::evaluation::{objective, Batch};
use ae_playground::train::phase::{Phase, Task};
use ae_playground::train::session::PhaseKind;
use ae_playground::{Config, Session};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::Command;

fn trained(config: &Config, steps: usize) -> Session {
    let mut s = Session::new(config.clone(), files::repo("digits").unwrap()).unwrap();
    for _ in 0..steps {
        s.train_step().unwrap();
    }
    s
}

/// The variants the hand-off covers, each trained a little (the classifiers into their phase).
fn variants() -> Vec<(&'static str, Config, usize)> {
    let conv = |filters, kernel, stride| ConvLayer { filters, kernel, stride, pool: false };
    let base = Config { hidden: vec![24, 6], ..Config::default() };
    let classifier = Config { epochs: 1, classifier_epochs: 20, classifier_labels: 10, ..base.clone() };
    vec![
        (
            "plain",
            Config { l1: 0.01, kl_weight: 0.1, activation: PerLayer::All(Activation::Sigmoid), ..base.clone() },
            30,
        ),
        ("tied", Config { tied: true, loss: Loss::CrossEntropy, ..base.clone() }, 30),
        (
            "ksparse",
            Config { k_sparse: 3, activation: PerLayer::All(Activation::Relu), masking: 0.2, ..base.clone() },
            30,
        ),
        (
            "contractive",
            Config { hidden: vec![12], contractive: 0.05, activation: PerLayer::All(Activation::Tanh), ..base.clone() },
            30,
        ),
        (
            "vae",
            Config {
                variational: true,
                beta: 0.5,
                activation: PerLayer::All(Activation::Relu),
                output_activation: Activation::Linear,
                ..base.clone()
            },
            30,
        ),
        ("classifier", classifier.clone(), 30),
        ("classifier-frozen", Config { classifier_frozen: true, ..classifier.clone() }, 30),
        // Trained on drawn codes z, as the VAE trains; its scores are μ's.
        ("vae-classifier", Config { variational: true, ..classifier.clone() }, 30),
        // Convolutions on the 8×8 digits: PyTorch's channels-first maps against the engine's channels-last.
        ("conv", Config { conv: vec![conv(4, 3, 2)], ..base.clone() }, 30),
        (
            "conv-tied",
            Config {
                conv: vec![conv(3, 3, 2), conv(5, 3, 1)],
                conv_activation: Activation::Tanh,
                tied: true,
                loss: Loss::CrossEntropy,
                ..base.clone()
            },
            30,
        ),
        (
            "conv-vae",
            Config {
                conv: vec![conv(4, 5, 2)],
                variational: true,
                hidden: vec![6],
                output_activation: Activation::Linear,
                ..base.clone()
            },
            30,
        ),
        ("conv-classifier", Config { conv: vec![conv(4, 3, 2)], ..classifier }, 30),
        (
            "conv-pool",
            Config {
                conv: vec![ConvLayer { filters: 4, kernel: 3, stride: 1, pool: true }, conv(6, 3, 2)],
                ..base.clone()
            },
            30,
        ),
    ]
}

fn test_rows(s: &Session, n: usize) -> Vec<usize> {
    s.data.test_rows().take(n).collect()
}

/// Class scores (logits) of dataset rows from the classifier phase's net.
fn scores(s: &Session, rows: &[usize]) -> Vec<f32> {
    let x = s.data_rows(rows);
    let mut tr = Trace::default();
    let net = s.trainer.net();
    match &s.trainer.phase.frozen {
        Some(enc) => {
            enc.forward(&mut tr, &x, rows.len(), None);
            let code = tr.outs.pop().unwrap();
            net.forward(&mut tr, &code, rows.len(), None);
        }
        None => net.forward(&mut tr, &x, rows.len(), None),
    }
    tr.outs.pop().unwrap()
}

/// The codes of the exported encoder: the autoencoder's, or once a classifier has trained its encoder
/// with it, that encoder's (the page's views keep showing the autoencoder as it was).
fn codes(s: &Session, rows: &[usize]) -> Vec<f32> {
    match (&s.autoencoder, &s.trainer.phase.frozen) {
        (Some((_, code)), None) if s.phase() == PhaseKind::Classifier => {
            let mut tr = Trace::default();
            s.trainer.net().forward_span(0..code + 1, &mut tr, &s.data_rows(rows), rows.len(), None);
            std::mem::take(&mut tr.outs[*code])
        }
        _ => s.codes(rows).0,
    }
}

#[test]
fn every_variant_reads_back_from_the_pytorch_layout_as_the_same_model() {
    for (name, config, steps) in variants() {
        let source = trained(&config, steps);
        let file = source.export_pytorch_weights();
        let mut copy = trained(&Config { seed: 7, ..config.clone() }, 0);
        copy.import_model(&file).unwrap_or_else(|e| panic!("{name}: {e}"));
        let rows = test_rows(&source, 6);
        assert_eq!(copy.phase(), source.phase(), "{name}");
        assert_eq!(codes(&copy, &rows), codes(&source, &rows), "{name}");
        if source.phase() == PhaseKind::Classifier {
            assert_eq!(scores(&copy, &rows), scores(&source, &rows), "{name}");
        } else {
            assert_eq!(copy.reconstruct(&rows), source.reconstruct(&rows), "{name}");
        }
        println!("{name}: {} bytes in PyTorch's layout, read back the same", file.len());
    }
}

#[test]
fn the_export_zips_the_model_its_code_and_a_readme() {
    let session = trained(&Config { hidden: vec![16, 4], ..Config::default() }, 5);
    let archive = session.export_pytorch();
    let entries = zip::entries("export.zip", &archive, |_| true, 1 << 30).unwrap();
    let names: Vec<&str> = entries.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(names, ["model.safetensors", "model.py", "train.py", "README.md", "requirements.txt"]);
    let tensors = |bytes: &[u8]| unpack(bytes).unwrap().1;
    assert_eq!(tensors(&entries[0].bytes), tensors(&session.export_pytorch_weights()));
    let readme = String::from_utf8(entries[3].bytes.clone()).unwrap();
    assert!(readme.contains("64 → 16 → 4 → 16 → 64, trained on digits"), "{readme}");
    assert!(readme.contains("torchrun --nproc_per_node"));
}

/// A checkpoint with a tensor missing, one of the wrong shape, or one of another architecture is
/// refused with the reason, and the model in hand keeps its weights.
#[test]
fn checkpoints_that_do_not_fit_are_refused_and_the_model_stays() {
    let config = Config { hidden: vec![16, 4], ..Config::default() };
    let source = trained(&config, 5);
    let (net, code) = (source.trainer.net(), source.trainer.phase.code.unwrap());
    let good = torch_tensors(&net, code, false, None);
    let meta = json!({"format": "ae-playground pytorch 1", "config": serde_json::to_string(&config).unwrap(),
        "inputs": "64", "classes": "0", "phase": "{\"kind\":\"endToEnd\"}", "step": "5"});
    let file = |tensors: &Tensors| {
        let views: Vec<_> = tensors.iter().map(|(n, s, v)| (n.clone(), s.clone(), &v[..])).collect();
        pack(meta.clone(), &views)
    };
    let mut target = trained(&config, 0);
    let before = target.trainer.net().params;
    let missing: Vec<_> = good.iter().filter(|t| t.0 != "decoder.0.weight").cloned().collect();
    let mut wrong = good.clone();
    let at = wrong.iter().position(|t| t.0 == "decoder.0.weight").unwrap();
    wrong[at].1 = vec![4, 16];
    let mut foreign = good.clone();
    foreign.push(("encoder.2.weight".into(), vec![2, 4], vec![0.0; 8]));
    for (tensors, expected) in [
        (missing, "the PyTorch checkpoint has no decoder.0.weight"),
        (wrong, "the PyTorch checkpoint's decoder.0.weight is [4, 16], but its settings make it [16, 4]"),
        (foreign, "holds encoder.2.weight, which is not part of the architecture"),
    ] {
        let m = target.import_model(&file(&tensors)).unwrap_err().message;
        assert!(m.contains(expected), "{m}");
        assert_eq!(target.trainer.net().params, before);
    }
    // The architecture its settings describe must be this model's: 12 code units do not fit 4.
    let other = trained(&Config { hidden: vec![16, 12], ..Config::default() }, 0);
    let m = target.import_model(&other.export_pytorch_weights()).unwrap_err().message;
    assert!(m.contains("the checkpoint's architecture (hidden [16, 12], tied false"), "{m}");
    // A checkpoint of other data is refused before its shapes are compared.
    let (wide, code) = autoencoder::<f32>(&config, 784);
    let wide = torch_tensors(&wide, code, false, None);
    let views: Vec<_> = wide.iter().map(|(n, s, v)| (n.clone(), s.clone(), &v[..])).collect();
    let mut meta_784 = meta.clone();
    meta_784["inputs"] = "784".into();
    let m = target.import_model(&pack(meta_784, &views)).unwrap_err().message;
    assert!(m.contains("takes 784 values a sample, but the dataset in hand (digits) has 64"), "{m}");
    // A classifier's checkpoint needs a model with a classifier phase.
    let clf = trained(&Config { hidden: vec![16, 4], ..variants()[5].1.clone() }, 30);
    let m = target.import_model(&clf.export_pytorch_weights()).unwrap_err().message;
    assert!(m.contains("holds a classifier"), "{m}");
    assert_eq!(target.trainer.net().params, before);
}

// ---- with PyTorch ----

/// The Python of the PyTorch environment (AE_TORCH_PYTHON, else where scripts/setup.sh puts it).
fn torch_python() -> PathBuf {
    let path = std::env::var_os("AE_TORCH_PYTHON").map(PathBuf::from).unwrap_or_else(|| {
        Path::new(&std::env::var("HOME").unwrap_or_default()).join(".cache/ae-playground/torch/bin/python")
    });
    assert!(
        path.exists(),
        "no PyTorch environment at {}: run `bash scripts/setup.sh --test` (npm test does), or set AE_TORCH_PYTHON",
        path.display()
    );
    path
}

/// One batch's objective and gradients on the reference engine in f64, the gradients in PyTorch's
/// names (for a classifier: the encoder's and the head's).
fn one_step(s: &Session, rows: &[usize]) -> (f64, Tensors, Vec<f32>) {
    let phase = &s.trainer.phase;
    // Behind a frozen encoder the head's gradients are those of encoder + head (whose encoder part is
    // dropped), so that the code is computed in f64 too.
    let net = match &phase.frozen {
        Some(enc) => stack(enc, s.trainer.net()),
        None => s.trainer.net(),
    };
    let b = rows.len();
    let x32 = s.data_rows(rows);
    let labels: Vec<u8> = rows.iter().map(|&r| s.data.labels[r]).collect();
    let stream = Rng::new(3).stream(Purpose::Sample, 0);
    let phase64 = Phase { batch_size: b, frozen: None, net: net.clone(), ..phase.clone() };
    let optimizer = Optimizer::new(s.config.optimizer, net.params.len(), 0.001, 0.9, 0.0);
    let mut engine = Engine::new(CpuBackend::<f64>::new(), &phase64, &optimizer).unwrap();
    let params: Vec<f64> = net.params.iter().map(|&v| v as f64).collect();
    engine.set_params(&params);
    engine.gradients(&x32, &labels, None, Some(stream)).unwrap();
    let grads: Vec<f32> = engine.grads_now().iter().map(|&g| g as f32).collect();
    let net64 = Net { input: net.input, ops: net.ops.clone(), params };
    let x64: Vec<f64> = x32.iter().map(|&v| v as f64).collect();
    let batch = Batch { x: &x64, clean: &x64, labels: &labels, b, noise: Some(stream) };
    let loss = objective(&net64, &batch, &phase.task, phase.code, &phase.penalties);
    let mut tr = Trace::default();
    net64.forward(&mut tr, &x64, b, Some(stream));
    let eps: Vec<f32> = tr.eps.iter().map(|&e| e as f32).collect();
    let tensors = if phase.task == Task::Classify {
        let (ae, code) = s.autoencoder.clone().unwrap();
        let mut zeros = Net { params: vec![0.0; ae.params.len()], ..ae };
        if phase.frozen.is_none() {
            let n = encoder(&zeros, code).params.len();
            zeros.params[..n].copy_from_slice(&grads[..n]);
        }
        let head = net.ops.len() - 1;
        torch_tensors(&zeros, code, s.config.variational, Some((&Net { params: grads, ..net }, head)))
    } else {
        torch_tensors(&Net { params: grads, ..net }, phase.code.unwrap(), s.config.variational, None)
    };
    (loss, tensors, eps)
}

#[test]
fn pytorch_reproduces_the_engine_and_trains_on_with_torchrun() {
    let python = torch_python();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("target/pytorch-check");
    let _ = std::fs::remove_dir_all(&dir);
    let mut sessions = Vec::new();
    for (name, config, steps) in variants() {
        let s = trained(&config, steps);
        let at = dir.join(name);
        std::fs::create_dir_all(&at).unwrap();
        std::fs::write(at.join("export.zip"), s.export_pytorch()).unwrap();
        let rows = test_rows(&s, 20);
        let (recon_in, recon) = s.reconstruct(&rows);
        let (codes, width) = (codes(&s, &rows), s.code_width());
        let batch_rows: Vec<usize> = s.data.train_rows().skip(3).take(16).collect();
        let (loss, grads, eps) = one_step(&s, &batch_rows);
        let n = rows.len();
        let dim = s.data.dim();
        let batch = s.data_rows(&batch_rows);
        let labels: Vec<f32> = batch_rows.iter().map(|&r| s.data.labels[r] as f32).collect();
        let mut tensors: Tensors = vec![
            ("inputs".into(), vec![n, dim], s.data_rows(&rows)),
            ("codes".into(), vec![n, width], codes),
            ("batch".into(), vec![batch_rows.len(), dim], batch),
            ("batch_labels".into(), vec![batch_rows.len()], labels),
            ("loss".into(), vec![1], vec![loss as f32]),
        ];
        if s.phase() != PhaseKind::Classifier {
            assert_eq!(recon_in, s.data_rows(&rows));
            tensors.push(("reconstructions".into(), vec![n, dim], recon));
        } else {
            let classes = s.data.classes;
            tensors.push(("scores".into(), vec![n, classes], scores(&s, &rows)));
        }
        if !eps.is_empty() {
            tensors.push(("eps".into(), vec![batch_rows.len(), eps.len() / batch_rows.len()], eps));
        }
        tensors.extend(grads.into_iter().map(|(name, shape, v)| (format!("grad.{name}"), shape, v)));
        let views: Vec<_> = tensors.iter().map(|(n, s, v)| (n.clone(), s.clone(), &v[..])).collect();
        std::fs::write(at.join("reference.safetensors"), pack(json!({"variant": name}), &views)).unwrap();
        sessions.push((name, config, s));
    }
    let status = Command::new(&python)
        .arg(root.join("tests/python/check_pytorch.py"))
        .arg(&dir)
        .arg(root.join("data/uci-digits.csv.gz"))
        .status()
        .expect("the PyTorch environment's Python runs");
    assert!(status.success(), "tests/python/check_pytorch.py failed (its output is above)");

    // torchrun's checkpoints, imported back: the same reconstructions as PyTorch gave.
    for variant in ["plain", "conv"] {
        let (_, config, _) = sessions.iter().find(|(name, _, _)| *name == variant).unwrap();
        let run = dir.join(variant).join("run");
        let checkpoint = std::fs::read(run.join("model.safetensors")).expect("torchrun wrote its checkpoint");
        let mut imported = trained(config, 0);
        imported.import_model(&checkpoint).unwrap();
        let reference = std::fs::read(run.join("reconstructions.safetensors")).unwrap();
        let (_, tensors) = unpack(&reference).unwrap();
        let get = |name: &str| tensors.iter().find(|t| t.0 == name).unwrap().2.clone();
        let inputs = get("inputs");
        let n = inputs.len() / imported.data.dim();
        let net = imported.trainer.net();
        let mut tr = Trace::default();
        net.forward(&mut tr, &inputs, n, None);
        let ours = tr.outs.pop().unwrap();
        let worst = ours.iter().zip(get("reconstructions")).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
        println!("torchrun's {variant} checkpoint in the engine: worst difference from PyTorch's reconstructions {worst:.1e}");
        assert!(worst < 1e-5, "{variant}: {worst}");
    }
}
