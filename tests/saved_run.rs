//! A saved run resumes exactly: after restoring, training takes the same steps with the same losses
//! and weights as the run that was never interrupted, mid-epoch, mid-pretraining and with early
//! stopping's state; a file that does not fit is refused.
#![cfg(not(target_arch = "wasm32"))] // reads files from disk

use ae_playground::data::{files, Dataset};
use ae_playground::{Config, Session};

fn digits() -> Dataset {
    files::repo("digits").unwrap_or_else(|e| panic!("{e}"))
}

fn resumes_exactly(config: Config, before: usize, after: usize) {
    let mut run = Session::new(config, digits()).unwrap();
    for _ in 0..before {
        run.train_step().unwrap();
    }
    let mut resumed = Session::restore_run(digits(), &run.save_run()).unwrap();
    assert_eq!((resumed.current, resumed.step, &resumed.history), (run.current, run.step, &run.history));
    for i in 0..after {
        if run.finished() {
            assert!(resumed.finished(), "step {i}: both finished");
            break;
        }
        let (a, b) = (run.train_step().unwrap(), resumed.train_step().unwrap());
        assert_eq!(a.loss, b.loss, "step {i} after resuming");
    }
    assert_eq!(run.trainer.net().params, resumed.trainer.net().params);
    assert_eq!(run.phase(), resumed.phase());
    assert_eq!(run.stopped_early(), resumed.stopped_early());
    assert_eq!(run.trainer.plateau, resumed.trainer.plateau);
}

#[test]
fn a_restored_run_trains_on_exactly_as_the_uninterrupted_one() {
    // Mid-epoch, with denoising (its noise follows the step count).
    resumes_exactly(Config { hidden: vec![16], masking: 0.3, ..Config::default() }, 30, 40);
    // In pretraining stage 2, across the change to fine-tuning (22 steps an epoch at batch 64).
    let staged = Config { hidden: vec![32, 8], pretrain_epochs: 1, epochs: 2, ..Config::default() };
    resumes_exactly(staged, 30, 40);
    // Early stopping's best weights and epoch, through to the stop.
    let stopping =
        Config { hidden: vec![16], validation: 0.2, patience: 1, epochs: 50, learning_rate: 0.05, ..Config::default() };
    resumes_exactly(stopping, 60, 2000);
    // A VAE with SGD.
    let vae = Config {
        hidden: vec![32, 2],
        variational: true,
        optimizer: ae_playground::model::optim::OptimizerKind::Sgd,
        ..Config::default()
    };
    resumes_exactly(vae, 25, 25);
    // RBM stages (their chains draw from the step's stream; momentum switches at epoch 5), into
    // fine-tuning.
    let rbm = Config {
        hidden: vec![32, 8],
        pretrain: ae_playground::model::config::Pretrain::Rbm,
        pretrain_epochs: 6,
        epochs: 2,
        ..Config::default()
    };
    resumes_exactly(rbm, 120, 60);
    // Each schedule, resumed mid-phase: step cuts at epoch 2, cosine with warm-up, and plateau's
    // cuts (a high rate, so that the validation loss stalls) and its watch.
    use ae_playground::model::schedule::ScheduleKind;
    let step = Config { schedule: ScheduleKind::Step, decay_every: 2, epochs: 6, ..Config::default() };
    resumes_exactly(step, 30, 60);
    let cosine = Config { schedule: ScheduleKind::Cosine, warmup_epochs: 1, epochs: 4, ..Config::default() };
    resumes_exactly(cosine, 30, 60);
    let plateau = Config {
        hidden: vec![16],
        schedule: ScheduleKind::Plateau,
        plateau_patience: 1,
        validation: 0.2,
        learning_rate: 0.05,
        epochs: 40,
        ..Config::default()
    };
    let mut run = Session::new(plateau.clone(), digits()).unwrap();
    while run.trainer.plateau.cuts.is_empty() {
        run.train_step().unwrap();
    }
    let cut_at = run.step as usize;
    resumes_exactly(plateau, cut_at + 20, 200);
    // In a classifier phase (22 steps of the autoencoder), the encoder trained with the head or frozen.
    for classifier_frozen in [false, true] {
        let classifier =
            Config { hidden: vec![16], epochs: 1, classifier_epochs: 3, classifier_frozen, ..Config::default() };
        resumes_exactly(classifier, 30, 40);
    }
}

#[test]
fn a_file_that_does_not_fit_is_refused() {
    let mut run = Session::new(Config { hidden: vec![16], ..Config::default() }, digits()).unwrap();
    run.train_step().unwrap();
    let bytes = run.save_run();
    let mut other = digits();
    other.name = "other".into();
    let refusal = |data, bytes: &[u8]| Session::restore_run(data, bytes).err().expect("refused").message;
    assert!(refusal(other, &bytes).contains("saved on digits"));
    assert!(refusal(digits(), &run.export_model()).contains("run format"));
    assert!(Session::restore_run(digits(), &bytes[..bytes.len() - 4]).is_err());
    assert!(Session::restore_run(digits(), b"junk").is_err());
}

#[test]
fn a_very_long_run_saves_with_its_loss_curve_thinned_and_its_last_point_kept() {
    let data = digits();
    let mut s = Session::new(Config { hidden: vec![4], ..Config::default() }, data.clone()).unwrap();
    // 450,000 steps' losses (the header would pass safetensors' 100 MB at about 4.5 million).
    s.history[0] = (0..450_000u64).map(|i| (i, 1.0 / (1.0 + i as f32))).collect();
    let last = *s.history[0].last().unwrap();
    let back = Session::restore_run(data, &s.save_run()).unwrap();
    assert!(back.history[0].len() <= 200_001, "{} points kept", back.history[0].len());
    assert_eq!(back.history[0].last(), Some(&last));
    assert_eq!(back.history[0][..3], [(0, 1.0), (3, 0.25), (6, 1.0 / 7.0)]);
}
