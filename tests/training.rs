//! The CPU engine trains: the loss falls on a fixed seed, the same seed gives identical numbers, bad
//! settings are refused with a message, divergence is survived, and layer-wise pretraining runs its
//! phases in order.
#![cfg(not(target_arch = "wasm32"))] // reads files from disk

use ae_playground::data::files;
use ae_playground::train::session::PhaseKind;
use ae_playground::{Config, Dataset, Session};

fn digits() -> Dataset {
    files::repo("digits").unwrap_or_else(|e| panic!("{e}"))
}

fn config() -> Config {
    Config { hidden: vec![16], batch_size: 32, learning_rate: 0.01, seed: 7, ..Config::default() }
}

#[test]
fn test_loss_falls_by_more_than_half() {
    let mut s = Session::new(config(), digits()).unwrap();
    let before = s.evaluate_test().loss;
    for _ in 0..400 {
        s.train_step().unwrap();
    }
    let after = s.evaluate_test().loss;
    assert!(after < 0.5 * before, "test loss {before} → {after}");
    assert!(s.trainer.epoch >= 8, "400 steps of 32 over 1,437 samples is 8 epochs, got {}", s.trainer.epoch);
}

#[test]
fn same_seed_same_numbers_other_seed_other_numbers() {
    let run = |seed| {
        let mut s = Session::new(Config { seed, masking: 0.2, ..config() }, digits()).unwrap();
        let losses: Vec<u64> = (0..50).map(|_| s.train_step().unwrap().loss.to_bits()).collect();
        (losses, s.trainer.net().params)
    };
    assert_eq!(run(7), run(7), "same seed must give bit-identical runs");
    assert_ne!(run(7).0, run(8).0);
}

#[test]
fn bad_configs_are_refused_with_a_reason() {
    let cases = [
        (Config { hidden: vec![16, 0], ..config() }, "width 0"),
        (Config { hidden: vec![], ..config() }, "at least one"),
        (Config { learning_rate: -1.0, ..config() }, "learningRate"),
        (Config { learning_rate: f64::NAN, ..config() }, "learningRate"),
        (Config { batch_size: 0, ..config() }, "batchSize"),
        (Config { batch_size: 2000, ..config() }, "batchSize"),
        (Config { k_sparse: 17, ..config() }, "larger than the code"),
        (Config { masking: 1.5, ..config() }, "masking"),
        (Config { kl_weight: 1.0, kl_target: 0.0, ..config() }, "klTarget"),
        (
            Config {
                kl_weight: 1.0,
                hidden: vec![32, 16],
                activation: ae_playground::model::config::PerLayer::Each(vec![
                    ae_playground::model::layers::Activation::Relu,
                    ae_playground::model::layers::Activation::Sigmoid,
                ]),
                pretrain_epochs: 1,
                ..config()
            },
            "every stage's code: hidden layer 1 is Relu",
        ),
        (Config { contractive: 0.1, hidden: vec![32, 16], ..config() }, "one-layer encoder"),
        (Config { variational: true, tied: true, ..config() }, "variational"),
        (Config { loss: ae_playground::model::layers::Loss::CrossEntropy, ..config() }, "inputs in 0..1"),
    ];
    let mut digits_0_to_2 = digits();
    digits_0_to_2.scale = 2.0 / 16.0; // values up to 2: not probabilities
    for (bad, expect) in cases {
        let message = Session::new(bad, digits_0_to_2.clone()).err().expect("refused").message;
        assert!(message.contains(expect), "{message:?} should mention {expect:?}");
    }
}

/// Convolutional settings that cannot be built are refused naming the field, on 8×8 digits and on a
/// table (no image), before anything trains.
#[test]
fn bad_convolutions_are_refused_with_a_reason() {
    use ae_playground::model::config::ConvLayer;
    use ae_playground::model::layers::Activation;
    let conv = |filters, kernel, stride| vec![ConvLayer { filters, kernel, stride, pool: false }];
    let cases = [
        (Config { conv: conv(8, 4, 2), ..config() }, "conv layer 1: kernel 4 must be odd"),
        (Config { conv: conv(8, 11, 2), ..config() }, "kernel 11×11 is larger than its input map of 8×8"),
        (
            Config { conv: [conv(8, 3, 2), conv(8, 5, 2)].concat(), ..config() },
            "conv layer 2: kernel 5×5 is larger than its input map of 4×4",
        ),
        (Config { conv: conv(8, 3, 3), ..config() }, "conv layer 1: stride 3 must be 1 or 2"),
        (Config { conv: conv(0, 3, 2), ..config() }, "conv layer 1: filters 0"),
        (Config { conv: [conv(512, 5, 1), conv(8, 5, 1)].concat(), ..config() }, "conv layer 2: its windows hold"),
        (
            Config { conv: vec![ConvLayer { filters: 2, kernel: 1, stride: 1, pool: false }; 7], ..config() },
            "at most 6",
        ),
        (Config { conv: conv(8, 3, 2), contractive: 0.1, ..config() }, "contractive"),
        (
            Config { conv: vec![ConvLayer { filters: 4, kernel: 1, stride: 1, pool: true }; 4], ..config() },
            "conv layer 4: pool halves its maps of 1×1",
        ),
        (
            Config {
                conv: conv(8, 3, 2),
                pretrain: ae_playground::model::config::Pretrain::Rbm,
                pretrain_epochs: 1,
                ..config()
            },
            "RBM stages are dense",
        ),
        (
            Config {
                conv: conv(8, 3, 2),
                kl_weight: 0.5,
                pretrain_epochs: 1,
                conv_activation: Activation::Relu,
                ..config()
            },
            "set convActivation sigmoid",
        ),
    ];
    for (bad, expect) in cases {
        let message = Session::new(bad, digits()).err().expect("refused").message;
        assert!(message.contains(expect), "{message:?} should mention {expect:?}");
    }
    let table = ae_playground::data::synthetic::generate("swissRoll", 1).unwrap();
    let message = Session::new(Config { conv: conv(8, 3, 2), ..config() }, table).err().expect("refused").message;
    assert!(message.contains("conv: convolutional layers slide over an image"), "{message}");
}

#[test]
fn nan_input_is_refused_by_the_loss_not_a_panic() {
    let mut s = Session::new(config(), digits()).unwrap();
    s.train_step().unwrap();
    std::rc::Rc::make_mut(&mut s.data).scale = f32::NAN;
    let message = s.train_step().unwrap_err().message;
    assert!(message.contains("diverged"), "{message}");
    assert!(s.trainer.net().params.iter().all(|p| p.is_finite()));
}

#[test]
fn a_learning_rate_of_100_diverges_and_the_last_good_state_comes_back() {
    // Sigmoid units saturate and keep a bounded loss even at lr 100; ReLU units and a linear output do not.
    let relu = ae_playground::model::config::PerLayer::All(ae_playground::model::layers::Activation::Relu);
    let linear = ae_playground::model::layers::Activation::Linear;
    let sgd = ae_playground::model::optim::OptimizerKind::Sgd;
    let c = Config { learning_rate: 100.0, optimizer: sgd, activation: relu, output_activation: linear, ..config() };
    let mut s = Session::new(c, digits()).unwrap();
    let start = s.trainer.net().params;
    let error = (0..200).find_map(|_| s.train_step().err()).expect("SGD at lr 100 must diverge");
    assert!(error.message.contains("diverged") && error.message.contains("learning rate"), "{}", error.message);
    assert_eq!(s.trainer.step, 0, "the step-0 checkpoint is the last good state");
    assert_eq!(s.trainer.net().params, start);
    // Lowered, training goes on from there.
    s.trainer.set_learning_rate(0.01).unwrap();
    for _ in 0..10 {
        s.train_step().unwrap();
    }
}

#[test]
fn layer_wise_pretraining_runs_stage_by_stage_then_fine_tunes() {
    let c = Config { hidden: vec![32, 16, 8], pretrain_epochs: 1, epochs: 1, ..config() };
    let mut s = Session::new(c, digits()).unwrap();
    assert_eq!(s.phases, vec![PhaseKind::Stage(0), PhaseKind::Stage(1), PhaseKind::Stage(2), PhaseKind::FineTune]);
    let mut seen = vec![s.phase()];
    while !s.finished() {
        s.train_step().unwrap();
        if seen.last() != Some(&s.phase()) {
            seen.push(s.phase());
        }
    }
    assert_eq!(seen, s.phases);
    assert_eq!(s.stages.len(), 3);
    // Stage 2 learned on the 32-wide code of stage 1: its input is 32 wide.
    assert_eq!(s.stages[1].input, 32);
    assert!(s.train_step().unwrap_err().message.contains("finished"));
}

#[test]
fn early_stopping_keeps_the_best_validation_weights() {
    let c = Config { validation: 0.2, patience: 2, gaussian: 0.3, learning_rate: 0.03, ..config() };
    let mut s = Session::new(c, digits()).unwrap();
    assert_eq!(s.validation_rows().len(), 287); // 20% of 1,437, held out from training
    assert!(s.trainer.phase.rows.iter().all(|r| !s.validation_rows().contains(r)));
    let val = |s: &Session| {
        let e = s.trainer.evaluate(&s.data, &s.validation_rows());
        e.loss + e.penalties.total()
    };
    let mut seen = Vec::new();
    for _ in 0..100_000 {
        let epoch = s.trainer.epoch;
        s.train_step().unwrap();
        if s.finished() {
            break;
        }
        if s.trainer.epoch != epoch {
            seen.push(val(&s));
        }
    }
    assert!(s.stopped_early(), "no early stop after {} epochs", seen.len());
    let best = seen.iter().cloned().fold(f64::MAX, f64::min);
    assert!((val(&s) - best).abs() < 1e-9, "final validation loss {} vs best {best}", val(&s));
}

#[test]
fn a_vae_samples_from_the_prior_and_interpolates_between_codes() {
    use ae_playground::model::config::PerLayer;
    use ae_playground::model::layers::{Activation, Loss};
    let c = Config {
        hidden: vec![32, 4],
        variational: true,
        activation: PerLayer::All(Activation::Relu),
        loss: Loss::CrossEntropy,
        epochs: 5,
        ..config()
    };
    let mut s = Session::new(c, digits()).unwrap();
    while !s.finished() {
        s.train_step().unwrap();
    }
    let samples = s.sample(6, 1).unwrap();
    assert_eq!(samples.len(), 6 * 64);
    assert!(samples.iter().all(|v| (0.0..=1.0).contains(v)));
    assert_ne!(samples[..64], samples[64..128], "different codes give different samples");
    assert_eq!(s.sample(6, 1).unwrap(), samples, "the same seed gives the same samples");

    let (a, b) = (s.data.n_train, s.data.n_train + 1);
    let path = s.interpolate(a, b, 5).unwrap();
    let (_, ends) = s.reconstruct(&[a, b]);
    assert_eq!(path[..64], ends[..64], "the path starts at a's reconstruction");
    assert_eq!(path[4 * 64..], ends[64..], "and ends at b's");
    assert!(s.interpolate(a, b, 1).is_err());
    let plain = Session::new(config(), digits()).unwrap();
    assert!(plain.sample(1, 1).unwrap_err().message.contains("variational"));
}

#[test]
fn every_phase_keeps_its_own_loss_series() {
    let c = Config { hidden: vec![32, 16], pretrain_epochs: 1, epochs: 1, ..config() };
    let mut s = Session::new(c, digits()).unwrap();
    while !s.finished() {
        s.train_step().unwrap();
    }
    // 44 full batches of 32 make an epoch of 1,437 rows; a phase ends on the step that starts its next
    // epoch (that step still trains the phase's net), so each of the three phases has 45 steps.
    let lengths: Vec<usize> = s.history.iter().map(Vec::len).collect();
    assert_eq!(lengths, vec![45, 45, 45]);
    let all: Vec<u64> = s.history.iter().flatten().map(|&(step, _)| step).collect();
    assert_eq!(all, (1..=s.step).collect::<Vec<_>>(), "each step is in exactly one series, in order");
    assert_eq!(s.steps_per_phase(), vec![45, 45, 45]);
    // A curve of at most 10 points: means of runs of 5 steps, each at its run's last step.
    let curve = s.phase_losses(1, 10);
    assert_eq!(curve.len(), 9);
    assert_eq!(curve.iter().map(|p| p.0).collect::<Vec<_>>(), (1..=9).map(|k| 45 + 5 * k).collect::<Vec<u64>>());
    let first: f64 = s.history[1][..5].iter().map(|&(_, l)| l as f64).sum::<f64>() / 5.0;
    assert!((curve[0].1 as f64 - first).abs() < 1e-4 * first);
    assert_eq!(s.phase_losses(1, 1000).len(), 45, "no more points than steps");
    assert!(s.phase_losses(7, 10).is_empty(), "no such phase");
}

#[test]
fn the_latent_view_and_the_codes_file_come_from_the_core() {
    let mut s = Session::new(Config { hidden: vec![16, 2], ..config() }, digits()).unwrap();
    s.train_step().unwrap();
    let latent = s.latent(50);
    assert_eq!((latent.points.len(), latent.labels.len(), latent.width, latent.projected), (100, 50, 2, false));
    let csv = s.codes_csv();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "label,z1,z2");
    assert_eq!(lines.len(), 1 + s.data.test_rows().len());
    assert_eq!(s.test_rows_at(&[0, 2]).unwrap(), vec![s.data.n_train, s.data.n_train + 2]);
    assert!(s.test_rows_at(&[9999]).unwrap_err().message.contains("test sample 9999 does not exist"));
    let wide = Session::new(Config { hidden: vec![16, 5], ..config() }, digits()).unwrap();
    assert!(wide.latent(10).projected);
}

#[test]
fn a_classifier_phase_follows_the_autoencoder_and_learns_the_labels() {
    // AE 1, AE 2, fine-tune, then a softmax head on the code: 10 labels per class, the encoder
    // trained with the head, then frozen.
    for frozen in [false, true] {
        let c = Config {
            hidden: vec![32, 16],
            pretrain_epochs: 2,
            epochs: 2,
            classifier_epochs: 30,
            classifier_labels: 10,
            classifier_frozen: frozen,
            ..config()
        };
        let mut s = Session::new(c, digits()).unwrap();
        let names: Vec<String> = s.phases.iter().map(|p| p.name()).collect();
        assert_eq!(names, ["AE 1", "AE 2", "fine-tune", "classifier"]);
        while s.phase() != PhaseKind::Classifier {
            s.train_step().unwrap();
        }
        let code_width = s.code_width();
        let (_, before) = s.reconstruct(&[1500, 1501]);
        let (codes, filters) = (s.codes(&[1500]), s.filters(4));
        let chance = s.evaluate_test().accuracy.expect("a classifier has an accuracy");
        while !s.finished() {
            s.train_step().unwrap();
        }
        let accuracy = s.evaluate_test().accuracy.unwrap();
        println!("frozen {frozen}: test accuracy {chance:.3} → {accuracy:.3} on 100 labels");
        assert!(accuracy > 0.7 && accuracy > chance + 0.3, "frozen {frozen}: accuracy {chance} → {accuracy}");
        assert_eq!(s.trainer.phase.rows.len(), 100, "10 labelled rows of each of the 10 classes");
        // The views still show the autoencoder as it was (the encoder trained with the head is a copy).
        assert_eq!(s.code_width(), code_width);
        assert_eq!(s.reconstruct(&[1500, 1501]).1, before);
        assert_eq!((s.codes(&[1500]), s.filters(4)), (codes, filters));
        assert_eq!(s.interpolate(1500, 1501, 3).unwrap().len(), 3 * 64);
    }
}

#[test]
fn a_classifier_phase_is_refused_without_labels_or_an_end_to_the_autoencoder() {
    let mut unlabelled = digits();
    unlabelled.labels.clear();
    unlabelled.classes = 0;
    let c = Config { epochs: 2, classifier_epochs: 5, ..config() };
    let err = Session::new(c.clone(), unlabelled).err().unwrap();
    assert!(err.message.contains("no labels"), "{err}");
    let err = Session::new(Config { epochs: 0, ..c.clone() }, digits()).err().unwrap();
    assert!(err.message.contains("set epochs"), "{err}");
    let err = Session::new(Config { classifier_labels: 1000, ..c }, digits()).err().unwrap();
    assert!(err.message.contains("fewer than 1000 labels per class"), "{err}");
}

/// With corruption on, the views get the inputs corrupted as in training (the same at each call) and
/// what the model makes of them; without it, nothing.
#[test]
fn the_views_see_the_corrupted_inputs_exactly_when_noise_is_on() {
    let rows: Vec<usize> = (1437..1445).collect();
    let plain = Session::new(config(), digits()).unwrap();
    assert!(plain.corrupted(&rows).is_none());
    let mut s = Session::new(Config { masking: 0.5, ..config() }, digits()).unwrap();
    s.train_step().unwrap();
    let (clean, _) = s.reconstruct(&rows);
    let (noisy, outputs) = s.corrupted(&rows).unwrap();
    let zeroed = clean.iter().zip(&noisy).filter(|(&c, &n)| c > 0.0 && n == 0.0).count() as f64;
    let inked = clean.iter().filter(|&&c| c > 0.0).count() as f64;
    assert!((0.4..0.6).contains(&(zeroed / inked)), "masking 0.5 zeroed {}", zeroed / inked);
    assert_eq!(s.corrupted(&rows).unwrap(), (noisy.clone(), outputs.clone()), "the same at each call");
    assert_ne!(outputs, s.reconstruct(&rows).1, "the outputs are of the corrupted inputs");
}

#[test]
fn training_steps_at_the_scheduled_rate() {
    // A step schedule (× 0.5 each epoch of 44 steps) against a constant run whose rate is halved by
    // hand at the same step: plain SGD without momentum, so each step's update is rate × gradient
    // and the two runs agree only if the schedule's rate reached the update.
    use ae_playground::model::optim::OptimizerKind;
    use ae_playground::model::schedule::ScheduleKind;
    let base = Config { optimizer: OptimizerKind::Sgd, momentum: 0.0, learning_rate: 0.5, ..config() };
    let scheduled = Config { schedule: ScheduleKind::Step, decay_every: 1, decay_factor: 0.5, ..base.clone() };
    let (mut a, mut b) = (Session::new(scheduled, digits()).unwrap(), Session::new(base, digits()).unwrap());
    let per_epoch = (1437 / 32) as u64;
    for step in 0..per_epoch + 5 {
        if step == per_epoch {
            b.trainer.set_learning_rate(0.25).unwrap();
        }
        let (x, y) = (a.train_step().unwrap().loss, b.train_step().unwrap().loss);
        assert_eq!(x, y, "step {step}");
    }
    assert_eq!(a.trainer.net().params, b.trainer.net().params);
    assert_eq!(a.trainer.learning_rate_at(a.trainer.step), 0.25);
    // The same run without the hand-made cut parts from the schedule after the epoch.
    let mut c =
        Session::new(Config { optimizer: OptimizerKind::Sgd, momentum: 0.0, learning_rate: 0.5, ..config() }, digits())
            .unwrap();
    for _ in 0..per_epoch + 5 {
        c.train_step().unwrap();
    }
    assert_ne!(a.trainer.net().params, c.trainer.net().params);
}
