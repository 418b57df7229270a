//! Files the playground writes and reads back: safetensors packing and a model file read back
//! (`tensors`, beneath the rest), model files (safetensors with the settings and the
//! layers, `model_file`), the hand-off to PyTorch (`pytorch`), and whole
//! saved runs for resuming after a reload (`saved_run`), and JSON read with refusals that name the
//! field (`json`). Datasets and uploads are in `data/`.

pub mod json;
pub mod model_file;
pub mod pytorch;
pub mod saved_run;
pub mod tensors;
