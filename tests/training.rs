//! The CPU engine trains: the loss falls on a fixed seed, the same seed gives identical numbers, and
//! bad settings are refused with a message.

use ae_playground::data::sources;
use ae_playground::{Config, Dataset, Trainer};
use std::path::Path;

fn digits() -> Dataset {
    let gz = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/uci-digits.csv.gz")).unwrap();
    sources::uci_digits_from_csv_gz(&gz).unwrap()
}

fn config() -> Config {
    Config { hidden: vec![16], batch_size: 32, learning_rate: 0.01, seed: 7, ..Config::default() }
}

#[test]
fn test_loss_falls_by_more_than_half() {
    let mut trainer = Trainer::new(config(), digits()).unwrap();
    let before = trainer.test_loss();
    for _ in 0..400 {
        trainer.train_step().unwrap();
    }
    let after = trainer.test_loss();
    assert!(after < 0.5 * before, "test loss {before} → {after}");
    assert!(trainer.epoch >= 8, "400 steps of 32 over 1,437 samples is 8 epochs, got {}", trainer.epoch);
}

#[test]
fn same_seed_same_numbers_other_seed_other_numbers() {
    let run = |seed| {
        let mut t = Trainer::new(Config { seed, ..config() }, digits()).unwrap();
        let losses: Vec<u32> = (0..50).map(|_| t.train_step().unwrap().to_bits()).collect();
        (losses, t.model.params)
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
    ];
    for (bad, expect) in cases {
        let message = Trainer::new(bad, digits()).err().expect("refused").message;
        assert!(message.contains(expect), "{message:?} should mention {expect:?}");
    }
}

#[test]
fn divergence_stops_training_and_keeps_the_weights() {
    let mut trainer = Trainer::new(config(), digits()).unwrap();
    trainer.train_step().unwrap();
    let kept = trainer.model.params.clone();
    trainer.data.scale = f32::INFINITY; // every input becomes ∞: the loss cannot be finite
    let message = trainer.train_step().unwrap_err().message;
    assert!(message.contains("diverged"), "{message}");
    assert_eq!(trainer.model.params, kept);
}
