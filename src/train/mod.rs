//! Training: the backend interface with its plain-loop CPU reference and its WebGPU implementation
//! (`backend/`), the training step written once over it (`engine/`, with the device a session trains
//! on in `engine/device.rs`), what defines a phase (`phase`, read by the engine and the trainer) and
//! each phase's trainer as the config makes it (`phase_trainers`), one phase's batches and checks
//! (`trainer`) and its measures (`evaluation`), a whole run of phases
//! (`session`) stepped on its device (`stepping`), an RBM stage's dreams (`dreams`), and few-label
//! classifiers.

pub mod backend;
pub mod dreams;
pub mod engine;
pub mod evaluation;
pub mod few_labels;
pub mod gamma;
pub mod phase;
pub mod phase_trainers;
pub mod session;
pub mod stepping;
pub mod trainer;
