//! What is trained: dense layers, activations and losses as forward/backward pairs (`layers`), the
//! code's penalties (`penalties`), input corruption (`corrupt`), a network as ops over one flat
//! parameter buffer (`net`), the deep autoencoder, its pretraining stages and classifier heads built
//! from the settings (`architecture`, `config`), and SGD and Adam (`optim`).

pub mod architecture;
pub mod config;
pub mod corrupt;
pub mod ladder;
pub mod layers;
pub mod net;
pub mod optim;
pub mod penalties;
