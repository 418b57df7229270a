//! What is trained: dense and convolutional (`conv`) layers, activations and losses as forward/backward pairs (`layers`), the
//! code's penalties (`penalties`), input corruption (`corrupt`), a network as ops over one flat
//! parameter buffer (`net`), the deep autoencoder, its pretraining stages and classifier heads built
//! from the settings (`architecture`, `config`), restricted Boltzmann machines for Hinton's pretraining (`rbm`), SGD and Adam (`optim`) and learning-rate schedules (`schedule`).

pub mod architecture;
pub mod config;
pub mod conv;
pub mod conv_settings;
pub mod corrupt;
pub mod ladder;
pub mod layers;
pub mod net;
pub mod optim;
pub mod penalties;
pub mod rbm;
pub mod schedule;
