use ae_playground::data::sources;
use ae_playground::model::optim::OptimizerKind;
use ae_playground::{Config, Session};
fn train(c: Config, d: &ae_playground::Dataset) -> f64 {
    let mut s = Session::new(c, d.clone()).unwrap();
    while !s.finished() {
        s.train_step().unwrap();
    }
    s.evaluate_test().loss
}
fn main() {
    let data = sources::uci_digits_from_csv_gz(&std::fs::read("data/uci-digits.csv.gz").unwrap()).unwrap();
    for (name, c) in [
        (
            "sgd 0.1 [48,32,16,8]",
            Config {
                hidden: vec![48, 32, 16, 8],
                optimizer: OptimizerKind::Sgd,
                learning_rate: 0.1,
                batch_size: 32,
                ..Config::default()
            },
        ),
        (
            "sgd 0.1 tied",
            Config {
                hidden: vec![48, 32, 16, 8],
                optimizer: OptimizerKind::Sgd,
                learning_rate: 0.1,
                batch_size: 32,
                tied: true,
                ..Config::default()
            },
        ),
        (
            "adam 0.001 [100,100,100,8]",
            Config { hidden: vec![100, 100, 100, 8], learning_rate: 0.001, batch_size: 32, ..Config::default() },
        ),
        (
            "adam 0.003 [100,100,100,8] tied",
            Config {
                hidden: vec![100, 100, 100, 8],
                learning_rate: 0.003,
                batch_size: 32,
                tied: true,
                ..Config::default()
            },
        ),
    ] {
        for seed in [1, 2, 3] {
            let p = train(Config { seed, pretrain_epochs: 5, epochs: 20, ..c.clone() }, &data);
            let r = train(Config { seed, epochs: 40, ..c.clone() }, &data);
            println!("{name} seed {seed}: pretrained {p:.3} random {r:.3}");
        }
    }
}
