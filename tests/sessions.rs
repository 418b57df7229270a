//! Whole sessions on each device: pretraining stages, fine-tuning and the classifier phase run on the
//! CPU reference and on WebGPU (lavapipe in CI) visit the same phases with the same steps and losses;
//! losing the GPU mid-run hands the session to the CPU with the weights last read back.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use ae_playground::data::files;
use ae_playground::train::session::PhaseKind;
use ae_playground::train::stepping::EngineChoice;
use ae_playground::{Config, Session};
use pollster::block_on;

fn config() -> Config {
    Config {
        hidden: vec![32, 16],
        pretrain_epochs: 1,
        epochs: 1,
        classifier_epochs: 2,
        classifier_labels: 20,
        masking: 0.2,
        batch_size: 50,
        learning_rate: 0.01,
        seed: 4,
        ..Config::default()
    }
}

/// Runs `s` to its end in calls of `train(37)` (as the page's slices do), the phases it visits.
fn run_to_the_end(s: &mut Session) -> Vec<PhaseKind> {
    let mut seen = vec![s.phase()];
    while !s.finished() {
        let trained = block_on(s.train(37)).unwrap();
        assert!(trained.steps > 0);
        if seen.last() != Some(&s.phase()) {
            seen.push(s.phase());
        }
    }
    block_on(s.sync()).unwrap();
    seen
}

#[test]
fn a_whole_session_trains_the_same_on_the_cpu_and_on_the_gpu() {
    let Some(ctx) = common::gpu() else { return };
    let mut cpu = Session::new(config(), files::repo("digits").unwrap()).unwrap();
    let mut gpu = Session::new(config(), files::repo("digits").unwrap()).unwrap();
    gpu.use_engine(EngineChoice::Webgpu, Ok(&ctx)).unwrap();
    assert_eq!(gpu.backend().name, "WebGPU", "{}", gpu.backend().reason);
    let phases = [PhaseKind::Stage(0), PhaseKind::Stage(1), PhaseKind::FineTune, PhaseKind::Classifier];
    assert_eq!(run_to_the_end(&mut cpu), phases);
    assert_eq!(run_to_the_end(&mut gpu), phases);
    assert_eq!(gpu.backend().name, "WebGPU", "every phase trained on the GPU: {}", gpu.backend().reason);
    // Each phase counts its steps, not its recorded losses (the page once showed 8× too few).
    assert_eq!(cpu.steps_per_phase(), gpu.steps_per_phase());
    let recorded: usize = gpu.history.iter().map(Vec::len).sum();
    assert!(recorded * 4 < gpu.step as usize, "{recorded} losses recorded for {} steps", gpu.step);
    // The GPU records one loss per read-back: each must match the CPU's loss of the same step.
    let mut worst = 0.0f64;
    for (cpu_phase, gpu_phase) in cpu.history.iter().zip(&gpu.history) {
        for &(step, loss) in gpu_phase {
            let (_, expected) = cpu_phase.iter().find(|&&(s, _)| s == step).expect("the CPU took every step");
            worst = worst.max(((loss - expected) / expected).abs() as f64);
        }
    }
    let (c, g) = (cpu.evaluate_test(), gpu.evaluate_test());
    println!(
        "{:?} steps; worst relative batch-loss difference {worst:.1e}; test accuracy {:.4} on the CPU, {:.4} on the GPU",
        cpu.steps_per_phase(),
        c.accuracy.unwrap(),
        g.accuracy.unwrap()
    );
    assert!(worst < 1e-3, "losses differ by {worst}");
    assert!((c.loss - g.loss).abs() < 1e-3 * c.loss, "test loss {} vs {}", c.loss, g.loss);
    assert_eq!(ctx.failure(), None);
}

#[test]
fn losing_the_gpu_mid_run_goes_on_on_the_cpu_from_the_weights_last_read_back() {
    let Some(ctx) = common::gpu() else { return };
    let c = Config { pretrain_epochs: 0, classifier_epochs: 0, epochs: 0, ..config() };
    let mut s = Session::new(c, files::repo("digits").unwrap()).unwrap();
    s.use_engine(EngineChoice::Webgpu, Ok(&ctx)).unwrap();
    block_on(s.train(20)).unwrap();
    block_on(s.sync()).unwrap();
    let read_back = s.trainer.net().params;
    ctx.destroy();
    let trained = block_on(s.train(8)).unwrap();
    println!("after the loss: {:?}; {}", trained, s.backend().reason);
    assert_eq!(s.backend().name, "CPU");
    assert!(s.backend().reason.contains("training continues on the CPU"), "{}", s.backend().reason);
    assert_eq!(s.trainer.net().params, read_back, "the CPU starts from the weights last read back");
    assert_eq!(s.step, 28, "the steps lost with the device still count, as the batches moved on");
    let before = s.evaluate_test().loss;
    for _ in 0..50 {
        s.train_step().unwrap();
    }
    let after = s.evaluate_test().loss;
    assert!(after < before, "training goes on on the CPU: test loss {before} → {after}");
}
